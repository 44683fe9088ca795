package org.headend.control.session;

import io.netty.channel.embedded.EmbeddedChannel;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.headend.control.config.ConfigException;
import org.headend.control.config.ConfigStore;
import org.headend.control.http.ClientInfo;
import org.headend.dataplane.api.Dataplane;

/**
 * A session table for the session tests: its control thread, configuration and pools, a data plane without TUN
 * queue (routes go nowhere, which these tests do not need), a monotonic clock the test moves by hand, and CSTP
 * tunnels on embedded channels brought up the way the gateway brings them up.
 */
final class SessionBench implements AutoCloseable
{
    static final ClientInfo CLIENT = new ClientInfo("10.77.0.2", 40000, 443,
        "Open AnyConnect VPN Agent v9.01-3", "TLSv1.3", "TLS_AES_128_GCM_SHA256");
    static final String GROUP = "DefaultWEBVPNGroup";

    /** A tunnel the bench brought up: its id and the connection the client's frames arrive on. */
    record Tunnel(int id, EmbeddedChannel channel)
    {
    }

    private final long[] now = {1_000_000_000L};
    private final ScheduledExecutorService control = Executors.newSingleThreadScheduledExecutor();
    private final ConfigStore config = ConfigStore.embeddedDefault("unused-password");
    private final AddressPools pools = new AddressPools(Set.of(), Set.of());
    private final List<EmbeddedChannel> channels = new ArrayList<>();
    private final Dataplane dataplane = Dataplane.start(List.of(), List.of(), ex -> { });
    private final SessionManager sessions;
    private int nextTunnel = 1;

    /** {@code onPolicyLookup} runs at each policy look-up the session manager makes. */
    SessionBench(final Runnable onPolicyLookup)
    {
        sessions = new SessionManager(control, dataplane, pools, null,
            (group, user) ->
            {
                onPolicyLookup.run();
                return config.current().effectivePolicy(group, user);
            }, () -> now[0], Clock.systemUTC());
    }

    ConfigStore config()
    {
        return config;
    }

    AddressPools pools()
    {
        return pools;
    }

    SessionManager sessions()
    {
        return sessions;
    }

    /** Applies {@code text} as the running configuration, its pools and policies, as the appliance does. */
    void configure(final String text) throws ConfigException
    {
        config.replace(text, "test");
        pools.configure(config.current().pools());
        sessions.policiesChanged();
    }

    /** Brings a tunnel up for the session with an address from {@code POOL}, the way the gateway does. */
    Tunnel connect(final Session session)
    {
        final AddressPools.Lease lease = sessions.lease(session, List.of("POOL"));
        final EmbeddedChannel channel = new EmbeddedChannel();
        channels.add(channel);
        final int tunnelId = nextTunnel++;
        sessions.tunnelUp(session, EmbeddedTunnels.open(tunnelId, lease.address(), channel, CLIENT));
        return new Tunnel(tunnelId, channel);
    }

    /** Moves the monotonic clock on; no sweep runs. */
    void advanceSeconds(final long seconds)
    {
        now[0] += TimeUnit.SECONDS.toNanos(seconds);
    }

    @Override
    public void close()
    {
        channels.forEach(EmbeddedChannel::finishAndReleaseAll);
        dataplane.close();
        control.shutdownNow();
    }
}
