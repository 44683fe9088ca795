/**
 * ARP announcements through a packet socket: telling a link that an address moved to this host.
 */
package org.headend.nativecfg.arp;
