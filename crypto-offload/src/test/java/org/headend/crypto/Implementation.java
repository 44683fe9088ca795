package org.headend.crypto;

import org.headend.crypto.jca.JcaAesGcm;
import org.headend.crypto.openssl.EvpAesGcm;

/**
 * The two implementations under test, made directly rather than through {@link AeadProvider} so that both are
 * always exercised.
 */
public enum Implementation
{
    /** OpenSSL through FFM. */
    OPENSSL
    {
        @Override
        public Aead create(final byte[] key)
        {
            return new EvpAesGcm(key);
        }
    },
    /** The JDK. */
    JDK
    {
        @Override
        public Aead create(final byte[] key)
        {
            return new JcaAesGcm(key);
        }
    };

    /**
     * @param key 16 or 32 bytes.
     * @return a new instance; the caller closes it.
     */
    public abstract Aead create(byte[] key);
}
