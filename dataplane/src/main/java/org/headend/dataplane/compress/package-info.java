/**
 * Tunnel compression codecs (docs/protocol/tunnel-and-dtls.md §6), sans-IO: each call takes one packet from a
 * buffer and writes into a buffer the caller gives, and answers with a length or a negative {@link
 * org.headend.dataplane.compress.CodecStatus} code instead of throwing.
 *
 * <ul>
 *   <li>LZS ({@link org.headend.dataplane.compress.LzsCompressor}, {@link
 *   org.headend.dataplane.compress.LzsDecompressor}): stateless per packet, so one pair of tables serves every
 *   tunnel of an event loop.</li>
 *   <li>CSTP deflate ({@link org.headend.dataplane.compress.DeflateCompressor}, {@link
 *   org.headend.dataplane.compress.DeflateDecompressor}): one zlib stream per direction and tunnel, with the running
 *   Adler-32 trailer openconnect checks.</li>
 * </ul>
 *
 * <p>Nothing here allocates per packet, locks, or logs. Instances are single-threaded: the event loop that owns them.
 */
package org.headend.dataplane.compress;
