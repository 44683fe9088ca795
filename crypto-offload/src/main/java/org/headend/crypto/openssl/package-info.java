/**
 * AES-GCM through OpenSSL 3 libcrypto's EVP interface, over FFM. {@code LibCrypto} is the module's only native
 * boundary; {@link org.headend.crypto.openssl.EvpAesGcm} keeps one cipher context per instance, keyed once.
 */
package org.headend.crypto.openssl;
