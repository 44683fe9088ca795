package org.headend.control.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.headend.control.auth.radius.RadiusEap;
import org.headend.control.config.ConfigStore;
import org.junit.jupiter.api.Test;

/**
 * IKEv2 EAP relayed to RADIUS meets the cluster-wide lockout as a password login does: a user the cluster locked out
 * is refused before any server is asked, and a refused round is reported to the cluster. An EAP response no RADIUS
 * packet can carry is refused before it reaches the client.
 */
class LoginsRelayedEapTest
{
    private static final String FROM = "198.51.100.7";
    private static final byte[] IDENTITY = eapIdentity("alice");

    private final ConfigStore config = ConfigStore.embeddedDefault("demo-secret");
    private final FailedLoginLimiter limiter = new FailedLoginLimiter();
    private final Cluster cluster = new Cluster();
    private final Logins logins = new Logins(config::current, limiter, System::nanoTime).sharedLockout(cluster);

    /** The cluster's counters as the other members left them. */
    private static final class Cluster implements Logins.SharedLockout
    {
        final Set<String> locked = new HashSet<>();
        final List<String> calls = new ArrayList<>();

        @Override
        public CompletionStage<Boolean> locked(final String user)
        {
            calls.add("locked " + user);
            return CompletableFuture.completedFuture(locked.contains(user));
        }

        @Override
        public CompletionStage<Boolean> failed(final String user)
        {
            calls.add("failed " + user);
            return CompletableFuture.completedFuture(false);
        }

        @Override
        public CompletionStage<Void> succeeded(final String user)
        {
            calls.add("succeeded " + user);
            return CompletableFuture.completedFuture(null);
        }
    }

    private static byte[] eapIdentity(final String user)
    {
        final byte[] name = user.getBytes(StandardCharsets.UTF_8);
        final byte[] eap = new byte[5 + name.length];
        eap[0] = 2;
        eap[1] = 1;
        eap[3] = (byte)eap.length;
        eap[4] = 1;
        System.arraycopy(name, 0, eap, 5, name.length);
        return eap;
    }

    private RadiusEap.Answer relay(final String user) throws Exception
    {
        return relay(user, IDENTITY);
    }

    private RadiusEap.Answer relay(final String user, final byte[] eap) throws Exception
    {
        return logins.relayEap("RAD", new AuthRequest(user, null, FROM, null, AuthRequest.Purpose.VPN), eap)
            .toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void shouldRefuseAUserTheClusterLockedOutWithoutAskingTheServer() throws Exception
    {
        cluster.locked.add("alice");
        final RadiusEap.Answer answer = relay("alice");
        assertInstanceOf(AuthOutcome.Rejected.class, answer.outcome());
        assertEquals(List.of("locked alice"), cluster.calls, "asked, and no verdict of a server to report");
        for (int i = 1; i < FailedLoginLimiter.MAX_USER_FAILURES; i++)
        {
            relay("alice");
        }
        assertTrue(limiter.isLocked("alice", FROM, System.nanoTime()),
            "each refused round counts on this member too, as a locked-out password login does");
    }

    @Test
    void shouldReportARefusedRoundToTheCluster() throws Exception
    {
        // RAD is no configured RADIUS group: the round is refused, as when the server rejects
        assertInstanceOf(AuthOutcome.Rejected.class, relay("bob").outcome());
        assertEquals(List.of("locked bob", "failed bob"), cluster.calls);
    }

    @Test
    void shouldRefuseAnEapResponseNoAccessRequestCanCarry() throws Exception
    {
        final byte[] big = new byte[Logins.MAX_RELAYED_EAP + 1];
        big[0] = 2;
        big[2] = (byte)(big.length >>> 8);
        big[3] = (byte)big.length;
        big[4] = 26;
        assertInstanceOf(AuthOutcome.Rejected.class, relay("carol", big).outcome());
        assertTrue(cluster.calls.isEmpty(), "refused before anyone is asked");
    }
}
