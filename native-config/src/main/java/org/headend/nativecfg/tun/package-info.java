/**
 * Multi-queue TUN devices: {@link org.headend.nativecfg.tun.TunDevice} is created and configured by the control
 * thread, each {@link org.headend.nativecfg.tun.TunQueue} is read and written allocation-free by data-plane threads.
 */
package org.headend.nativecfg.tun;
