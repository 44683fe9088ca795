package org.headend.crypto;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * AES-GCM as the DTLS/TLS 1.2 record layer uses it (RFC 5288): 16- or 32-byte key, 12-byte nonce, 16-byte tag
 * appended to the ciphertext.
 * <p>
 * <b>Threading:</b> an instance is confined to one thread at a time; give each data-plane worker its own instance
 * per key. It may be handed to another thread only through a happens-before edge (the command queue that carries
 * session keys is one). The key is fixed when the instance is created; the nonce is passed on every call.
 * <p>
 * <b>Buffers:</b> any Agrona buffer works, on or off heap. Nothing is copied on the way in or out except where an
 * implementation says so. {@code in} and {@code out} may be the same region (in-place) but must not otherwise
 * overlap. A range outside a buffer is a bug in the caller and throws {@link IndexOutOfBoundsException}.
 * <p>
 * <b>Results:</b> expected outcomes are negative return codes, never exceptions, so the data plane can count and
 * drop: {@link #AUTH_FAILED}, {@link #TOO_SHORT}, {@link #NONCE_REUSED}, {@link #CRYPTO_ERROR}.
 */
public interface Aead extends AutoCloseable
{
    /** AES-128 key length in bytes. */
    int KEY_LENGTH_128 = 16;
    /** AES-256 key length in bytes. */
    int KEY_LENGTH_256 = 32;
    /** GCM nonce length in bytes; for TLS 1.2 it is the 4-byte implicit IV then the 8-byte explicit nonce. */
    int NONCE_LENGTH = 12;
    /** GCM tag length in bytes; it follows the ciphertext. */
    int TAG_LENGTH = 16;

    /** {@link #open}: the tag does not match; the record was forged or damaged. */
    int AUTH_FAILED = -1;
    /** {@link #open}: the input is shorter than a tag, so it cannot be a record. */
    int TOO_SHORT = -2;
    /**
     * {@link #seal}: the nonce equals the one of the previous seal. SunJCE refuses this, and the OpenSSL path checks
     * the same so that both behave alike. It only catches an immediate repeat: unique nonces are the caller's job.
     */
    int NONCE_REUSED = -3;
    /** The crypto library failed for a reason other than the tag; count it, it hints at a bug. */
    int CRYPTO_ERROR = -4;

    /**
     * Encrypt {@code length} bytes and append the tag.
     *
     * @param nonce       holds the 12-byte nonce.
     * @param nonceOffset where the nonce starts.
     * @param aad         additional authenticated data; may be {@code null} when {@code aadLength} is 0.
     * @param aadOffset   where the AAD starts.
     * @param aadLength   AAD length, 0 or more.
     * @param in          plaintext.
     * @param inOffset    where the plaintext starts.
     * @param length      plaintext length, 0 or more.
     * @param out         receives ciphertext then tag, {@code length + TAG_LENGTH} bytes.
     * @param outOffset   where the ciphertext goes.
     * @return bytes written ({@code length + TAG_LENGTH}), or {@link #NONCE_REUSED} or {@link #CRYPTO_ERROR}.
     */
    int seal(
        DirectBuffer nonce, int nonceOffset,
        DirectBuffer aad, int aadOffset, int aadLength,
        DirectBuffer in, int inOffset, int length,
        MutableDirectBuffer out, int outOffset);

    /**
     * Check the tag and decrypt. On any negative result the bytes of the output region are unspecified (the OpenSSL
     * path decrypts before it can verify) and must be dropped.
     *
     * @param nonce       holds the 12-byte nonce.
     * @param nonceOffset where the nonce starts.
     * @param aad         additional authenticated data; may be {@code null} when {@code aadLength} is 0.
     * @param aadOffset   where the AAD starts.
     * @param aadLength   AAD length, 0 or more.
     * @param in          ciphertext then tag.
     * @param inOffset    where the ciphertext starts.
     * @param length      ciphertext plus tag length.
     * @param out         receives the plaintext, {@code length - TAG_LENGTH} bytes.
     * @param outOffset   where the plaintext goes.
     * @return plaintext length, or {@link #AUTH_FAILED}, {@link #TOO_SHORT} or {@link #CRYPTO_ERROR}.
     */
    int open(
        DirectBuffer nonce, int nonceOffset,
        DirectBuffer aad, int aadOffset, int aadLength,
        DirectBuffer in, int inOffset, int length,
        MutableDirectBuffer out, int outOffset);

    /**
     * @return the implementation and key size, e.g. {@code "openssl AES-128-GCM"}, for logs and the CLI.
     */
    String name();

    /**
     * Release native resources and wipe key material the implementation owns. Idempotent. Any later
     * {@link #seal} or {@link #open} throws {@link IllegalStateException}.
     */
    @Override
    void close();
}
