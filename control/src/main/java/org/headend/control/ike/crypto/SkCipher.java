package org.headend.control.ike.crypto;

import java.security.GeneralSecurityException;

/**
 * Protection of one direction of an IKE SA's Encrypted payloads (RFC 7296 §3.14, RFC 5282 for AEAD): the content
 * is IV, then ciphertext of (payloads | padding | pad length), then ICV. Integrity covers the message from the IKE
 * header up to the ICV (for AEAD: the IKE header and the SK payload header are the associated data).
 */
public interface SkCipher
{
    int ivLength();

    int icvLength();

    /** How long the SK content (IV, ciphertext, ICV) is for {@code plaintextLength} bytes of inner payloads. */
    int sealedLength(int plaintextLength);

    /**
     * Encrypts {@code plaintext} into {@code message} at {@code contentOffset}, where the SK content starts. The
     * header's length field and the SK payload header must already be final: they are authenticated.
     */
    void seal(byte[] message, int contentOffset, byte[] plaintext) throws GeneralSecurityException;

    /**
     * Checks and decrypts the SK content at {@code contentOffset} of {@code contentLength} bytes in the message that
     * starts at index 0 of {@code message}; returns the inner payloads without padding.
     *
     * @throws GeneralSecurityException when the ICV does not verify or the padding is impossible
     */
    byte[] open(byte[] message, int contentOffset, int contentLength) throws GeneralSecurityException;
}
