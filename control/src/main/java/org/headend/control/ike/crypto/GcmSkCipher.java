package org.headend.control.ike.crypto;

import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-GCM with a 16-byte ICV for the SK payload (RFC 5282): the key material is key‖4-byte salt, the nonce is
 * salt‖8-byte IV, the associated data is the message from the IKE header through the SK payload header. The IV
 * is a counter, unique under one key as GCM requires. No padding is added (GCM needs no alignment).
 */
public final class GcmSkCipher implements SkCipher
{
    private static final int SALT_LENGTH = 4;
    private static final int IV_LENGTH = 8;
    private static final int ICV_LENGTH = 16;

    private final SecretKeySpec key;
    private final byte[] salt;
    private long nextIv = 1;

    /** @param keyMaterial 20 or 36 bytes: the AES key and the salt (SK_ei or SK_er) */
    public GcmSkCipher(final byte[] keyMaterial)
    {
        if (keyMaterial.length != 16 + SALT_LENGTH && keyMaterial.length != 32 + SALT_LENGTH)
        {
            throw new IllegalArgumentException("AES-GCM key material of " + keyMaterial.length + " bytes");
        }
        key = new SecretKeySpec(keyMaterial, 0, keyMaterial.length - SALT_LENGTH, "AES");
        salt = Arrays.copyOfRange(keyMaterial, keyMaterial.length - SALT_LENGTH, keyMaterial.length);
    }

    @Override
    public int ivLength()
    {
        return IV_LENGTH;
    }

    @Override
    public int icvLength()
    {
        return ICV_LENGTH;
    }

    @Override
    public int sealedLength(final int plaintextLength)
    {
        return IV_LENGTH + plaintextLength + 1 + ICV_LENGTH;
    }

    @Override
    public void seal(final byte[] message, final int contentOffset, final byte[] plaintext)
        throws GeneralSecurityException
    {
        final long iv = nextIv++;
        for (int i = 0; i < IV_LENGTH; i++)
        {
            message[contentOffset + i] = (byte)(iv >>> (56 - 8 * i));
        }
        final byte[] padded = Arrays.copyOf(plaintext, plaintext.length + 1);
        final Cipher cipher = cipher(Cipher.ENCRYPT_MODE, message, contentOffset);
        cipher.doFinal(padded, 0, padded.length, message, contentOffset + IV_LENGTH);
    }

    @Override
    public byte[] open(final byte[] message, final int contentOffset, final int contentLength)
        throws GeneralSecurityException
    {
        if (contentLength < IV_LENGTH + 1 + ICV_LENGTH)
        {
            throw new GeneralSecurityException("SK content too short");
        }
        final Cipher cipher = cipher(Cipher.DECRYPT_MODE, message, contentOffset);
        final byte[] padded = cipher.doFinal(message, contentOffset + IV_LENGTH, contentLength - IV_LENGTH);
        return SkPadding.strip(padded);
    }

    private Cipher cipher(final int mode, final byte[] message, final int contentOffset)
        throws GeneralSecurityException
    {
        final byte[] nonce = new byte[SALT_LENGTH + IV_LENGTH];
        System.arraycopy(salt, 0, nonce, 0, SALT_LENGTH);
        System.arraycopy(message, contentOffset, nonce, SALT_LENGTH, IV_LENGTH);
        final Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(mode, key, new GCMParameterSpec(ICV_LENGTH * 8, nonce));
        cipher.updateAAD(message, 0, contentOffset);
        return cipher;
    }
}
