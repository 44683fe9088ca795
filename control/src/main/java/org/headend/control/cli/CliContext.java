package org.headend.control.cli;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.headend.control.config.ConfigStore;
import org.headend.control.session.SessionDirectory;

/**
 * What every CLI session shares: the configuration, the session table, the counters. One per appliance; each
 * console or SSH session gets its own {@link CliSession} over it.
 *
 * @param config   the running and startup configuration
 * @param sessions the VPN sessions, for {@code show vpn-sessiondb} and {@code vpn-sessiondb logoff}
 * @param counters a snapshot of the data plane's counters, name and value, for {@code show counters}
 * @param version  the software version for {@code show version}
 * @param clock    the wall clock (login times, uptime)
 * @param started  when the appliance started, for the uptime in {@code show version}
 */
public record CliContext(
    ConfigStore config,
    SessionDirectory sessions,
    Supplier<List<Map.Entry<String, Long>>> counters,
    String version,
    Clock clock,
    Instant started)
{
    /** The usual context: system UTC clock, started now, the build's version. */
    public CliContext(final ConfigStore config, final SessionDirectory sessions,
        final Supplier<List<Map.Entry<String, Long>>> counters)
    {
        this(config, sessions, counters, buildVersion(), Clock.systemUTC(), Instant.now());
    }

    private static String buildVersion()
    {
        final String version = CliContext.class.getPackage().getImplementationVersion();
        return version == null ? "0.1.0-SNAPSHOT" : version;
    }
}
