package org.headend.dataplane.api;

import java.util.Arrays;

/**
 * One direction of an ESP child SA with AES-GCM and a 16-byte ICV (RFC 4106, IKEv2 transform ENCR_AES_GCM_16, ids
 * 20 with 128- or 256-bit keys), handed from control to the data plane. The data plane keeps copies of the arrays and
 * wipes them when the SA goes; control should wipe its own.
 *
 * @param spi          the SPI in the ESP header: for an inbound SA the one the headend chose (see
 *                     {@link EspSocket#reserveSpi}), for an outbound SA the one the client chose
 * @param key          the AES key, 16 or 32 bytes (the first bytes of the SA's KEYMAT)
 * @param salt         the 4-byte nonce salt (the last 4 bytes of the SA's KEYMAT, RFC 4106 §8.1)
 * @param esn          whether the SA uses 64-bit extended sequence numbers (RFC 4303 §2.2.1)
 * @param replayWindow inbound only: the anti-replay window in packets, 0 for none, else 64 to
 *                     {@link #MAX_REPLAY_WINDOW} and a multiple of 64
 */
public record EspSa(int spi, byte[] key, byte[] salt, boolean esn, int replayWindow)
{
    /** The largest anti-replay window: strongSwan libipsec uses 128, the ASA up to 1024. */
    public static final int MAX_REPLAY_WINDOW = 1024;
    /** strongSwan's and RFC 4303's usual window, for when the configuration names none. */
    public static final int DEFAULT_REPLAY_WINDOW = 128;

    public EspSa
    {
        if ((spi & 0xFFFF_FF00) == 0)
        {
            throw new IllegalArgumentException("SPIs 0 to 255 are reserved (RFC 4303 §2.1): "
                + Integer.toUnsignedString(spi));
        }
        if (key == null || (key.length != 16 && key.length != 32))
        {
            throw new IllegalArgumentException("an AES-GCM key has 16 or 32 bytes");
        }
        if (salt == null || salt.length != 4)
        {
            throw new IllegalArgumentException("an AES-GCM ESP salt has 4 bytes");
        }
        if (replayWindow < 0 || replayWindow > MAX_REPLAY_WINDOW || replayWindow % 64 != 0)
        {
            throw new IllegalArgumentException("replay window must be 0 or a multiple of 64 up to "
                + MAX_REPLAY_WINDOW + ": " + replayWindow);
        }
        key = key.clone();
        salt = salt.clone();
    }

    /**
     * The SA from its KEYMAT slice as IKEv2 derives it (RFC 7296 §2.17): key ‖ 4-byte salt, 20 or 36 bytes.
     */
    public static EspSa fromKeymat(final int spi, final byte[] keymat, final boolean esn, final int replayWindow)
    {
        if (keymat.length != 20 && keymat.length != 36)
        {
            throw new IllegalArgumentException("AES-GCM ESP KEYMAT has 20 or 36 bytes, not " + keymat.length);
        }
        return new EspSa(spi, Arrays.copyOf(keymat, keymat.length - 4),
            Arrays.copyOfRange(keymat, keymat.length - 4, keymat.length), esn, replayWindow);
    }

    /** The transform in ASA words for the CLI, e.g. {@code AES-GCM-256}. */
    public String cipherName()
    {
        return "AES-GCM-" + key.length * 8;
    }

    /** Overwrites the key and salt of this record (the data plane's copies are its own). */
    public void wipe()
    {
        Arrays.fill(key, (byte)0);
        Arrays.fill(salt, (byte)0);
    }

    @Override
    public String toString()
    {
        // never the key
        return "EspSa[spi=" + Integer.toHexString(spi) + ", " + cipherName() + (esn ? ", ESN" : "") + "]";
    }
}
