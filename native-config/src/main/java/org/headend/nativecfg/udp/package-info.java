/**
 * UDP sends straight through sendmsg(2) on a socket whose reads another owner (Netty's io_uring channel) does: one
 * syscall per datagram or UDP GSO run, from memory the caller owns, without a per-send object.
 */
package org.headend.nativecfg.udp;
