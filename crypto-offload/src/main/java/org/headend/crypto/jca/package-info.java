/**
 * AES-GCM through the JDK's JCA ({@code AES/GCM/NoPadding}): the fallback when libcrypto cannot be loaded.
 */
package org.headend.crypto.jca;
