package org.headend.control.ike;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.security.cert.CertificateEncodingException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Function;
import java.util.function.Supplier;
import org.headend.control.cli.CryptoStatus;
import org.headend.control.config.HeadendConfig;
import org.headend.control.ike.codec.Ike;
import org.headend.control.ike.sa.ResponderPolicy;
import org.headend.control.session.SessionManager;
import org.headend.dataplane.api.EspSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code crypto ikev2 enable NAMEIF} on the running appliance, like the webvpn listeners: a configuration change is
 * {@link #check}ed (the policy it asks for can be built: algorithms, crypto map, trustpoint file) and then
 * {@link #apply}d. Enabling binds UDP 500 and opens the data plane's ESP port on the interface's address; {@code no
 * crypto ikev2 enable} deletes every IKE SA (clients are told, their sessions end) and closes both; moving to another
 * interface does both; any other IKEv2 line changes what SAs negotiated from then on use. The committing thread
 * calls {@code check} and {@code apply}, never the control thread.
 */
public final class Ikev2Listener implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(Ikev2Listener.class);
    private static final int DPD_SECONDS = 30;
    private static final int COOKIE_THRESHOLD = 64;
    private static final int MAX_HALF_OPEN = 4096;

    private final ScheduledExecutorService control;
    private final SessionManager sessions;
    private final Supplier<HeadendConfig> config;
    private final Function<IkeService.DatagramSink, EspSocket> openEsp;
    private final Function<HeadendConfig, InetAddress> addressOf;
    private final ServerIdentity builtIn;
    private final Function<String, Path> flash;
    private final org.headend.control.auth.Logins logins;
    private volatile IkeService running;
    private String runningNameif;

    /**
     * @param openEsp   opens the data plane's ESP port with the given IKE listener (not yet bound)
     * @param addressOf the address IKEv2 answers on for a configuration that enables it
     * @param builtIn   the appliance's own certificate and key, for AUTH without a remote-access trustpoint
     * @param flash     resolves a {@code disk0:/} path
     * @param logins    the AAA back ends and the failed-login limiter, for EAP relayed to RADIUS
     */
    public Ikev2Listener(final ScheduledExecutorService control, final SessionManager sessions,
        final Supplier<HeadendConfig> config, final Function<IkeService.DatagramSink, EspSocket> openEsp,
        final Function<HeadendConfig, InetAddress> addressOf, final java.security.PrivateKey builtInKey,
        final java.security.cert.X509Certificate builtInCertificate, final Function<String, Path> flash,
        final org.headend.control.auth.Logins logins)
    {
        this.logins = logins;
        this.control = control;
        this.sessions = sessions;
        this.config = config;
        this.openEsp = openEsp;
        this.addressOf = addressOf;
        this.builtIn = new ServerIdentity(builtInKey, List.of(builtInCertificate));
        this.flash = flash;
    }

    /** Why {@code candidate}'s IKEv2 lines cannot be applied, or null; changes nothing. */
    public String check(final HeadendConfig candidate)
    {
        if (candidate.globals().ikev2Interface() == null)
        {
            return null;
        }
        try
        {
            policy(candidate);
            return null;
        }
        catch (final IllegalArgumentException ex)
        {
            return ex.getMessage();
        }
    }

    /** Brings IKEv2 to what {@code candidate} asks for; why it could not (a port taken), or null. */
    public synchronized String apply(final HeadendConfig candidate)
    {
        final String nameif = candidate.globals().ikev2Interface();
        final IkeService current = running;
        if (nameif == null)
        {
            if (current != null)
            {
                stop("IKEv2 disabled on " + runningNameif);
            }
            return null;
        }
        final ResponderPolicy policy;
        try
        {
            policy = policy(candidate);
        }
        catch (final IllegalArgumentException ex)
        {
            return ex.getMessage();
        }
        final InetAddress address = addressOf.apply(candidate);
        if (current != null && nameif.equals(runningNameif) && address.equals(current.address()))
        {
            current.policy(policy);
            return null;
        }
        if (current != null)
        {
            stop("IKEv2 moved to " + nameif);
        }
        final IkeService.DatagramSink sink = new IkeService.DatagramSink();
        final EspSocket esp = openEsp.apply(sink);
        try
        {
            running = IkeService.start(control, sessions, config, esp, address, policy, nameif, sink,
                logins);
            runningNameif = nameif;
            return null;
        }
        catch (final IOException | RuntimeException ex)
        {
            esp.close();
            return "crypto ikev2 enable " + nameif + ": UDP 500/4500 on " + address.getHostAddress()
                + " cannot be bound: " + ex.getMessage();
        }
    }

    private void stop(final String why)
    {
        final IkeService service = running;
        running = null;
        runningNameif = null;
        service.disable(why);
        LOG.info("IKEv2: {}; UDP 500 and 4500 closed", why);
    }

    /**
     * What {@code show crypto ikev2 sa}, {@code show crypto ipsec sa} and {@code show crypto ikev2 stats} print: those
     * of the service running when
     * the command runs (the CLI keeps this object across enable and disable).
     */
    public CryptoStatus status()
    {
        return new CryptoStatus()
        {
            @Override
            public String ikev2Sas()
            {
                final IkeService service = running;
                return (service == null ? CryptoStatus.NONE : service.status()).ikev2Sas();
            }

            @Override
            public String ipsecSas()
            {
                final IkeService service = running;
                return (service == null ? CryptoStatus.NONE : service.status()).ipsecSas();
            }

            @Override
            public String ikev2Stats()
            {
                final IkeService service = running;
                return (service == null ? CryptoStatus.NONE : service.status()).ikev2Stats();
            }
        };
    }

    /** The responder's policy for {@code candidate}: its algorithms for the IKEv2 interface and its certificate. */
    private ResponderPolicy policy(final HeadendConfig candidate)
    {
        final IkeAlgorithms algorithms = IkeAlgorithms.of(candidate.globals().ikev2(),
            candidate.globals().ikev2Interface());
        final ServerIdentity identity = ServerIdentity.of(candidate, builtIn, flash);
        final List<byte[]> chain = new ArrayList<>();
        try
        {
            for (final java.security.cert.X509Certificate certificate : identity.chain())
            {
                chain.add(certificate.getEncoded());
            }
        }
        catch (final CertificateEncodingException ex)
        {
            throw new IllegalArgumentException("the IKEv2 server certificate cannot be encoded: " + ex.getMessage());
        }
        final ResponderPolicy policy = new ResponderPolicy(algorithms.suites(), algorithms.espKeyBits(),
            Ike.ID_DER_ASN1_DN,
            identity.chain().getFirst().getSubjectX500Principal().getEncoded(), identity.key(), chain, null, null,
            COOKIE_THRESHOLD, MAX_HALF_OPEN, org.headend.control.config.Ikev2Config.DEFAULT_LIFETIME_SECONDS,
            DPD_SECONDS, true, algorithms.lifetimes(), algorithms.pfsGroup(),
            candidate.globals().ikev2().fragmentationMtu());
        return candidate.globals().ikev2().fragmentation() ? policy : policy.withoutFragmentation();
    }

    /** At the appliance's stop: the sockets close, the SAs are kept for the sessions' restore. */
    @Override
    public synchronized void close()
    {
        final IkeService service = running;
        running = null;
        if (service != null)
        {
            service.close();
        }
    }
}
