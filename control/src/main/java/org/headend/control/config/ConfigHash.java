package org.headend.control.config;

/**
 * The number a login form's {@code <config-hash>} carries (the client fetches its profile again when it changes),
 * computed once per configuration. {@link HeadendConfig} is a record, so its {@code hashCode} walks the whole
 * configuration, every {@code username} line included, at each call: with 2,500 users that was 3 % of the control
 * thread's CPU per login, and it grows with the configuration. A configuration is immutable and a change makes a
 * new one, so the last one's number is kept by identity. Thread-safe.
 */
public final class ConfigHash
{
    private record Last(HeadendConfig config, long hash)
    {
    }

    private static volatile Last last = new Last(null, 0);

    private ConfigHash()
    {
    }

    /** A non-negative number that changes with the configuration. */
    public static long of(final HeadendConfig config)
    {
        Last seen = last;
        if (seen.config() != config)
        {
            seen = new Last(config, config.hashCode() & 0x7fffffffL);
            last = seen;
        }
        return seen.hash();
    }
}
