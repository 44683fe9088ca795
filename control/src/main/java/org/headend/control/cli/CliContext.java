package org.headend.control.cli;

import org.headend.control.flash.FlashStore;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.headend.control.auth.Logins;
import org.headend.control.config.ConfigStore;
import org.headend.control.portal.ClientFiles;
import org.headend.control.portal.Translations;
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
 * @param services the audit log, the flash store and the other shared helpers
 */
public record CliContext(
    ConfigStore config,
    SessionDirectory sessions,
    Supplier<List<Map.Entry<String, Long>>> counters,
    String version,
    Clock clock,
    Instant started,
    Services services)
{
    /**
     * Shared helpers of the CLI.
     *
     * @param audit       where configuration commands are recorded
     * @param flash       {@code disk0:}, or null when the appliance has none
     * @param interfaces  what {@code show interface} reads
     * @param logins      failed SSH logins ({@code show aaa local user})
     * @param enableGuard the rate limit of {@code enable}
     * @param operators   the CLI sessions open now ({@code show ssh sessions})
     * @param nanoClock   monotonic time for the limits
     * @param clientFiles the web-deploy cache ({@code dir cache:/stc/…}), or null
     * @param translations the translation tables, or null
     * @param authn       every login's checks and AAA back ends, shared with the VPN logins; null for local users
     *                    checked with {@code logins}' own limiter
     * @param logging     the syslog {@code show logging} prints
     * @param crypto      the IKEv2 SAs ({@code show crypto ikev2 sa}, {@code show crypto ipsec sa})
     */
    public record Services(AuditLog audit, FlashStore flash, InterfaceStats interfaces, LoginGuard logins,
        EnableGuard enableGuard, Operators operators, LongSupplier nanoClock, ClientFiles clientFiles,
        Translations translations, Logins authn, LogView logging, CryptoStatus crypto)
    {
        /** Without IKEv2. */
        public Services(final AuditLog audit, final FlashStore flash, final InterfaceStats interfaces,
            final LoginGuard logins, final EnableGuard enableGuard, final Operators operators,
            final LongSupplier nanoClock, final ClientFiles clientFiles, final Translations translations,
            final Logins authn, final LogView logging)
        {
            this(audit, flash, interfaces, logins, enableGuard, operators, nanoClock, clientFiles, translations,
                authn, logging, CryptoStatus.NONE);
        }

        /** These services showing the IKEv2 SAs of {@code status}. */
        public Services withCrypto(final CryptoStatus status)
        {
            return new Services(audit, flash, interfaces, logins, enableGuard, operators, nanoClock, clientFiles,
                translations, authn, logging, status);
        }

        /** Without syslog. */
        public Services(final AuditLog audit, final FlashStore flash, final InterfaceStats interfaces,
            final LoginGuard logins, final EnableGuard enableGuard, final Operators operators,
            final LongSupplier nanoClock, final ClientFiles clientFiles, final Translations translations,
            final Logins authn)
        {
            this(audit, flash, interfaces, logins, enableGuard, operators, nanoClock, clientFiles, translations,
                authn, LogView.NONE);
        }

        public Services(final AuditLog audit, final FlashStore flash, final InterfaceStats interfaces,
            final LoginGuard logins, final EnableGuard enableGuard, final Operators operators,
            final LongSupplier nanoClock)
        {
            this(audit, flash, interfaces, logins, enableGuard, operators, nanoClock, null, null, null);
        }

        /** These services with the appliance's web-deploy cache and translation tables. */
        public Services withClient(final ClientFiles files, final Translations tables)
        {
            return new Services(audit, flash, interfaces, logins, enableGuard, operators, nanoClock, files, tables,
                authn, logging, crypto);
        }

        /**
         * These services checking SSH logins and {@code enable} with the appliance's {@link Logins}: one limiter for
         * every login, and the AAA server groups.
         */
        public Services withLogins(final Logins shared)
        {
            return new Services(audit, flash, interfaces, new LoginGuard(shared.limiter()),
                new EnableGuard(shared.limiter()), operators, nanoClock, clientFiles, translations, shared, logging,
                crypto);
        }

        /** These services with the appliance's syslog. */
        public Services withLogging(final LogView view)
        {
            return new Services(audit, flash, interfaces, logins, enableGuard, operators, nanoClock, clientFiles,
                translations, authn, view, crypto);
        }

        /** Log-only audit, no flash store, the system's interfaces. */
        public static Services defaults()
        {
            return new Services(AuditLog.logOnly(), null, InterfaceStats.system(), new LoginGuard(), new EnableGuard(),
                new Operators(), System::nanoTime);
        }

        /** The appliance's: {@code audit.log} and {@code disk0/} in the state directory. */
        public static Services forStateDir(final Path stateDir, final Clock clock) throws IOException
        {
            return new Services(new AuditLog(stateDir.resolve(AuditLog.FILE_NAME), clock),
                FlashStore.inStateDir(stateDir), InterfaceStats.system(), new LoginGuard(), new EnableGuard(),
                new Operators(), System::nanoTime);
        }
    }

    /** The usual context: system UTC clock, started now, the build's version. */
    public CliContext(final ConfigStore config, final SessionDirectory sessions,
        final Supplier<List<Map.Entry<String, Long>>> counters)
    {
        this(config, sessions, counters, buildVersion(), Clock.systemUTC(), Instant.now(), Services.defaults());
    }

    public CliContext(final ConfigStore config, final SessionDirectory sessions,
        final Supplier<List<Map.Entry<String, Long>>> counters, final String version, final Clock clock,
        final Instant started)
    {
        this(config, sessions, counters, version, clock, started, Services.defaults());
    }

    /** This context with other services. */
    public CliContext withServices(final Services other)
    {
        return new CliContext(config, sessions, counters, version, clock, started, other);
    }

    private static String buildVersion()
    {
        final String version = CliContext.class.getPackage().getImplementationVersion();
        return version == null ? "0.1.0-SNAPSHOT" : version;
    }
}
