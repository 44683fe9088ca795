package org.headend.control.ike.crypto;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-CBC with HMAC-SHA2 truncated to half its output (RFC 3602, RFC 4868) for the SK payload: a random IV per
 * message, the ICV over the whole message up to the ICV, checked in constant time before anything is decrypted.
 */
public final class CbcHmacSkCipher implements SkCipher
{
    private static final int BLOCK = 16;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKeySpec key;
    private final SecretKeySpec integrityKey;
    private final String macName;
    private final int icvLength;

    /**
     * @param encryptionKey 16, 24 or 32 bytes (SK_ei or SK_er)
     * @param integrityKey  SK_ai or SK_ar, as long as the hash output
     * @param macName       HmacSHA256, HmacSHA384 or HmacSHA512
     */
    public CbcHmacSkCipher(final byte[] encryptionKey, final byte[] integrityKey, final String macName)
    {
        this.key = new SecretKeySpec(encryptionKey, "AES");
        this.integrityKey = new SecretKeySpec(integrityKey, macName);
        this.macName = macName;
        this.icvLength = integrityKey.length / 2;
    }

    @Override
    public int ivLength()
    {
        return BLOCK;
    }

    @Override
    public int icvLength()
    {
        return icvLength;
    }

    @Override
    public int sealedLength(final int plaintextLength)
    {
        return BLOCK + padded(plaintextLength) + icvLength;
    }

    private static int padded(final int plaintextLength)
    {
        return (plaintextLength + 1 + BLOCK - 1) / BLOCK * BLOCK;
    }

    @Override
    public void seal(final byte[] message, final int contentOffset, final byte[] plaintext)
        throws GeneralSecurityException
    {
        final byte[] iv = new byte[BLOCK];
        RANDOM.nextBytes(iv);
        System.arraycopy(iv, 0, message, contentOffset, BLOCK);
        final byte[] padded = Arrays.copyOf(plaintext, padded(plaintext.length));
        final int padLength = padded.length - plaintext.length - 1;
        padded[padded.length - 1] = (byte)padLength;
        final Cipher cipher = Cipher.getInstance("AES/CBC/NoPadding");
        cipher.init(Cipher.ENCRYPT_MODE, key, new IvParameterSpec(iv));
        cipher.doFinal(padded, 0, padded.length, message, contentOffset + BLOCK);
        final int icvAt = contentOffset + BLOCK + padded.length;
        System.arraycopy(icv(message, icvAt), 0, message, icvAt, icvLength);
    }

    @Override
    public byte[] open(final byte[] message, final int contentOffset, final int contentLength)
        throws GeneralSecurityException
    {
        final int cipherLength = contentLength - BLOCK - icvLength;
        if (cipherLength < BLOCK || cipherLength % BLOCK != 0)
        {
            throw new GeneralSecurityException("SK content of a length CBC cannot have");
        }
        final int icvAt = contentOffset + contentLength - icvLength;
        if (!MessageDigest.isEqual(icv(message, icvAt), Arrays.copyOfRange(message, icvAt, icvAt + icvLength)))
        {
            throw new GeneralSecurityException("SK integrity check failed");
        }
        final Cipher cipher = Cipher.getInstance("AES/CBC/NoPadding");
        cipher.init(Cipher.DECRYPT_MODE, key, new IvParameterSpec(message, contentOffset, BLOCK));
        return SkPadding.strip(cipher.doFinal(message, contentOffset + BLOCK, cipherLength));
    }

    private byte[] icv(final byte[] message, final int length) throws GeneralSecurityException
    {
        final Mac mac = Mac.getInstance(macName);
        mac.init(integrityKey);
        mac.update(message, 0, length);
        return Arrays.copyOf(mac.doFinal(), icvLength);
    }
}
