package org.headend.crypto;

import org.headend.crypto.jca.JcaAesGcm;
import org.headend.crypto.openssl.EvpAesGcm;

import java.util.Locale;

/**
 * Picks the AES-GCM implementation once, at start, and makes instances of it.
 * <p>
 * Modes, from {@link #AEAD_PROP_NAME} or configuration:
 * <ul>
 *   <li>{@code openssl}: OpenSSL libcrypto through FFM; start-up fails if it cannot be loaded.</li>
 *   <li>{@code jdk}: the JDK's {@code AES/GCM/NoPadding}.</li>
 *   <li>{@code auto} (default): OpenSSL when libcrypto loads, else the JDK. There is no start-up race between the
 *       two: a benchmark run before C2 has compiled SunJCE's intrinsic path would measure the interpreter, and on
 *       packet sizes a DTLS tunnel carries (up to about 1400 B) OpenSSL ties with or beats SunJCE on AVX-512 hosts
 *       and is about twice as fast where the JDK lacks its AVX-512 GCM code. OpenSSL also allocates nothing per
 *       packet and returns a code, not an exception, for a forged record.</li>
 * </ul>
 * {@link #description()} says what was picked and why, for the start-up log and the CLI. Thread-safe and
 * immutable; the {@link Aead}s it creates are not (one per thread).
 */
public final class AeadProvider
{
    /** System property choosing the mode. */
    public static final String AEAD_PROP_NAME = "headend.crypto.aead";
    /** Mode: OpenSSL, or fail. */
    public static final String MODE_OPENSSL = "openssl";
    /** Mode: the JDK. */
    public static final String MODE_JDK = "jdk";
    /** Mode: OpenSSL if it loads, else the JDK. */
    public static final String MODE_AUTO = "auto";
    /** Default mode. */
    public static final String AEAD_DEFAULT = MODE_AUTO;

    private final boolean openssl;
    private final String description;

    private AeadProvider(final boolean openssl, final String description)
    {
        this.openssl = openssl;
        this.description = description;
    }

    /**
     * @return the provider for the mode in {@link #AEAD_PROP_NAME}, {@link #AEAD_DEFAULT} if unset.
     * @throws IllegalArgumentException for an unknown mode.
     * @throws IllegalStateException if {@code openssl} is forced and libcrypto cannot be loaded.
     */
    public static AeadProvider fromSystemProperties()
    {
        return select(System.getProperty(AEAD_PROP_NAME, AEAD_DEFAULT));
    }

    /**
     * @param mode {@code openssl}, {@code jdk} or {@code auto}, case-insensitive.
     * @return the provider for that mode on this host.
     * @throws IllegalArgumentException for an unknown mode.
     * @throws IllegalStateException if {@code openssl} is forced and libcrypto cannot be loaded.
     */
    public static AeadProvider select(final String mode)
    {
        final boolean available = EvpAesGcm.isAvailable();
        return select(mode, available, available ? EvpAesGcm.libraryVersion() : EvpAesGcm.unavailableReason());
    }

    /**
     * The decision without the probe, so that it can be tested on a host where libcrypto loads.
     *
     * @param opensslDetail the library version when available, else why it is not.
     */
    static AeadProvider select(final String mode, final boolean opensslAvailable, final String opensslDetail)
    {
        final String normalised = mode.trim().toLowerCase(Locale.ROOT);
        switch (normalised)
        {
            case MODE_OPENSSL:
                if (!opensslAvailable)
                {
                    throw new IllegalStateException(
                        AEAD_PROP_NAME + "=openssl but libcrypto cannot be used: " + opensslDetail);
                }
                return new AeadProvider(true, "openssl (" + opensslDetail + " via FFM; forced by configuration)");

            case MODE_JDK:
                return new AeadProvider(false, "jdk (" + JcaAesGcm.TRANSFORMATION + "; forced by configuration)");

            case MODE_AUTO:
                return opensslAvailable ?
                    new AeadProvider(true, "openssl (" + opensslDetail + " via FFM; auto: libcrypto loaded)") :
                    new AeadProvider(false, "jdk (" + JcaAesGcm.TRANSFORMATION + "; auto: libcrypto unavailable: " +
                        opensslDetail + ")");

            default:
                throw new IllegalArgumentException(
                    AEAD_PROP_NAME + " must be openssl, jdk or auto, not '" + mode + "'");
        }
    }

    /**
     * @return {@code "openssl"} or {@code "jdk"}.
     */
    public String name()
    {
        return openssl ? MODE_OPENSSL : MODE_JDK;
    }

    /**
     * @return the name, the library or transformation, and why it was picked; one line for the start-up log.
     */
    public String description()
    {
        return description;
    }

    /**
     * Make an instance for one thread and one key. Allocates; call it when a session's keys arrive, not per packet.
     *
     * @param key 16 or 32 bytes.
     * @return a new AEAD; the caller closes it when the key retires.
     * @throws IllegalArgumentException if the key length is wrong.
     */
    public Aead create(final byte[] key)
    {
        return openssl ? new EvpAesGcm(key) : new JcaAesGcm(key);
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public String toString()
    {
        return description;
    }
}
