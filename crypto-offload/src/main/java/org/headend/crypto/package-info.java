/**
 * AEAD for the record layers of the data plane: {@link org.headend.crypto.Aead} (AES-GCM over Agrona buffers,
 * return codes, one instance per thread), its two implementations that give the same bytes
 * ({@link org.headend.crypto.openssl.EvpAesGcm} over OpenSSL through FFM, {@link org.headend.crypto.jca.JcaAesGcm}
 * over the JDK), and {@link org.headend.crypto.AeadProvider}, which picks one at start and says which.
 * <p>
 * {@code kdf} holds the pure-Java key derivation the DTLS work needs: the TLS 1.2 PRF, the key-block split and
 * the openconnect PSK exporter label.
 * <p>
 * This module depends on nothing of ours; only {@code openssl.LibCrypto} makes native calls.
 */
package org.headend.crypto;
