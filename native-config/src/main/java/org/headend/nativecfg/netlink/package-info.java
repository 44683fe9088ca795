/**
 * Links, addresses, routes and policy routing rules over rtnetlink, with requests built and replies parsed here
 * rather than by running {@code ip}. Configuration path: one control thread, allocation allowed, every reply length
 * checked.
 */
package org.headend.nativecfg.netlink;
