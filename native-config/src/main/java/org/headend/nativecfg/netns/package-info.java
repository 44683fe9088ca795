/**
 * Moving one thread into a named network namespace and back, so it can create devices and sockets there.
 */
package org.headend.nativecfg.netns;
