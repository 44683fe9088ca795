/**
 * UDP on io_uring driven from Java through FFM (no JNI, no Unsafe, no liburing): an evaluated alternative to Netty's
 * {@code IoUringDatagramChannel} for the DTLS port, where Netty allocates per datagram and submits one RECVMSG per
 * receive.
 * <pre>
 * class             what                                                     thread
 * Sys               syscall(2)/libc downcalls, errno through a capture       any
 * IoUring           the mapped SQ/CQ rings, acquire/release on their indices  one (SINGLE_ISSUER)
 * ProvidedBuffers   IORING_REGISTER_PBUF_RING slots                          the ring's
 * UringUdpPort      multishot RECVMSG, batched SENDMSG, GSO, GRO on a UDP socket the ring's
 * ReceivedDatagram  flyweight over one receive completion                    the ring's
 * </pre>
 * perf/README.md "io_uring through FFM" has the figures against Netty.
 */
package org.headend.dataplane.uring;
