/**
 * Wake-ups for data-plane agents that have gone idle: an {@link org.headend.nativecfg.event.EventFd} doorbell that
 * producers ring, and a {@link org.headend.nativecfg.event.Poller} that sleeps until a TUN queue or a doorbell is
 * readable. Neither allocates once created.
 */
package org.headend.nativecfg.event;
