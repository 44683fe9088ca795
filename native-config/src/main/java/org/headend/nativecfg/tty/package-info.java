/**
 * Terminal devices: a {@link org.headend.nativecfg.tty.SerialLine} opens a tty (a serial port, or a pty in tests) as
 * the operator's console, in raw mode, so that the CLI's own line editor sees every key.
 */
package org.headend.nativecfg.tty;
