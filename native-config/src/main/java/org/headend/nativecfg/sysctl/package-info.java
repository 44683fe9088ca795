/**
 * Kernel parameters under /proc/sys, with keys validated so they cannot escape it.
 */
package org.headend.nativecfg.sysctl;
