/**
 * The libc boundary of native-config: downcall handles, errno capture and the constants of the kernel ABI we use.
 * Internal to this module; other modules must not import it.
 */
package org.headend.nativecfg.libc;
