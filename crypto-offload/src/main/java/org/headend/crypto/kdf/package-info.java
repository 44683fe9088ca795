/**
 * Pure-Java key derivation for the DTLS 1.2 record layer, all on the control path: the TLS 1.2 PRF
 * ({@link org.headend.crypto.kdf.Tls12Prf}), the AES-GCM key-block split ({@link org.headend.crypto.kdf.Tls12KeyBlock})
 * and the openconnect PSK exporter parameters ({@link org.headend.crypto.kdf.ExporterLabels}).
 */
package org.headend.crypto.kdf;
