package org.headend.control.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.headend.control.session.AddressPools;
import org.headend.control.session.SessionRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code cluster etcd-user}: members log in to an etcd with {@code auth enable}d, as a user whose role may only touch
 * {@code /vpn/}; etcd's tokens last {@link #TOKEN_TTL_SECONDS} unused here, and are known only to the member that
 * issued them, so a client must log in again as it goes.
 */
class EtcdAuthTest
{
    private static final int TOKEN_TTL_SECONDS = 2;
    private static final String PASSWORD = "member-Pw-7";
    private static LocalEtcd etcd;
    private final List<EtcdClusterStore> stores = new ArrayList<>();

    @BeforeAll
    static void startEtcdWithAuth() throws Exception
    {
        etcd = new LocalEtcd(null, List.of("--auth-token-ttl=" + TOKEN_TTL_SECONDS));
        etcd.etcdctl("user", "add", "root", "--new-user-password=root-Pw-1");
        etcd.etcdctl("user", "grant-role", "root", "root");
        etcd.etcdctl("user", "add", "vpn-member", "--new-user-password=" + PASSWORD);
        etcd.etcdctl("role", "add", "vpn");
        etcd.etcdctl("role", "grant-permission", "vpn", "--prefix=true", "readwrite", "/vpn/");
        etcd.etcdctl("user", "grant-role", "vpn-member", "vpn");
        etcd.etcdctl("auth", "enable");
    }

    @AfterAll
    static void stopEtcd() throws Exception
    {
        etcd.close();
    }

    @AfterEach
    void closeStores()
    {
        stores.forEach(EtcdClusterStore::close);
    }

    private EtcdClusterStore member(final String name, final String user, final String password) throws Exception
    {
        final EtcdClusterStore store = new EtcdClusterStore(new EtcdGateway(etcd.endpoints(), null, user, password),
            "auth", name, "https://" + name + ".example", 5, true, 60, Runnable::run, Clock.systemUTC());
        try
        {
            store.start(10);
        }
        catch (final Exception ex)
        {
            store.close();
            throw ex;
        }
        stores.add(store);
        return store;
    }

    private static <T> T await(final CompletableFuture<T> future) throws Exception
    {
        return future.get(15, TimeUnit.SECONDS);
    }

    @Test
    void membersLoggedInAsTheirEtcdUserShareSessionsAndHearOfALogoff() throws Exception
    {
        final EtcdClusterStore a = member("a", "vpn-member", PASSWORD);
        final EtcdClusterStore b = member("b", "vpn-member", PASSWORD);
        final LinkedBlockingQueue<String> lostOnA = new LinkedBlockingQueue<>();
        a.onLost((key, why, off) -> lostOnA.add(key + " " + off));
        assertTrue(await(a.claim("AUTH1111", "10.30.0.7")));
        assertFalse(await(b.claim("OTHER222", "10.30.0.7")), "the address is taken, whoever asks");
        final Instant now = Instant.now();
        a.put(new SessionRecord(1, "AUTH1111", "alice", "DefaultWEBVPNGroup", "GP", now, now, null,
            new AddressPools.Lease("POOL", AddressPools.toInt((java.net.Inet4Address)java.net.InetAddress.ofLiteral(
                "10.30.0.7")), 0xFFFFFF00), null, "198.51.100.7", "OpenConnect"));
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (await(b.sessions()).isEmpty())
        {
            assertTrue(System.nanoTime() < deadline, "the session never reached member b");
            Thread.sleep(100);
        }
        assertEquals(1, await(b.logoff(s -> s.record().username().equals("alice"))));
        // a's watch, opened with its token, carries the logoff
        assertEquals("AUTH1111 true", lostOnA.poll(15, TimeUnit.SECONDS));
    }

    @Test
    void aTokenEtcdForgotIsReplacedByLoggingInAgain() throws Exception
    {
        // etcd forgets an unused token: what the gateway client must survive
        final HttpClient http = HttpClient.newHttpClient();
        final URI first = etcd.endpoints().getFirst();
        final String login = http.send(HttpRequest.newBuilder(first.resolve("/v3/auth/authenticate"))
            .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"vpn-member\",\"password\":\"" + PASSWORD + "\"}"))
            .build(), HttpResponse.BodyHandlers.ofString()).body();
        final String token = String.valueOf(Json.object(login).get("token"));
        try (EtcdGateway gateway = new EtcdGateway(etcd.endpoints(), null, "vpn-member", PASSWORD))
        {
            await(gateway.txn(List.of(), List.of(Txn.put("/vpn/kept", "one", 0)), List.of()));
            Thread.sleep(TimeUnit.SECONDS.toMillis(TOKEN_TTL_SECONDS + 2));
            final String stale = http.send(HttpRequest.newBuilder(first.resolve("/v3/kv/range")).header(
                "Authorization", token).POST(HttpRequest.BodyPublishers.ofString("{\"key\":\""
                + EtcdGateway.b64("/vpn/x") + "\"}")).build(), HttpResponse.BodyHandlers.ofString()).body();
            assertTrue(stale.contains("invalid auth token"), stale);
            assertEquals("one", await(gateway.get("/vpn/kept")).value());
        }
    }

    @Test
    void aWrongPasswordOrNoUserKeepsTheMemberOutAndSaysWhyWithoutThePassword()
    {
        final Exception wrong = assertThrows(Exception.class, () -> member("c", "vpn-member", "not-the-Pw-9"));
        assertTrue(String.valueOf(wrong.getMessage()).contains("authentication failed"), wrong.toString());
        assertFalse(wrong.toString().contains("not-the-Pw-9"), "the password reached an error message");
        final Exception anonymous = assertThrows(Exception.class, () -> member("d", null, null));
        assertTrue(String.valueOf(anonymous.getMessage()).contains("user name is empty"), anonymous.toString());
    }
}
