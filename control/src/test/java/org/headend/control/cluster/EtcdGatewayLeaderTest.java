package org.headend.control.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The etcd member a headend asks first is cut off from its peers while the two others keep a quorum: the headend
 * must go on with the two others, its member lease renewed and its watches (logoffs, the director) fed, instead of
 * staying with the member that cannot answer. The cut-off member is played by {@link LeaderlessMember}, the two
 * others are real etcd members ({@link LocalEtcd}).
 */
class EtcdGatewayLeaderTest
{
    private static LocalEtcd etcd;

    @BeforeAll
    static void startEtcd() throws Exception
    {
        etcd = new LocalEtcd();
    }

    @AfterAll
    static void stopEtcd() throws Exception
    {
        etcd.close();
    }

    @Test
    void callsGoOnWithTheQuorumWithoutWaitingForTheCutOffMember() throws Exception
    {
        try (LeaderlessMember cut = new LeaderlessMember();
            EtcdGateway gateway = new EtcdGateway(List.of(cut.uri(), etcd.endpoints().get(1),
                etcd.endpoints().get(2))))
        {
            final long lease = gateway.grant(10).get(30, TimeUnit.SECONDS);
            assertTrue(gateway.keepAlive(lease).get(30, TimeUnit.SECONDS) > 0, "the lease is renewed by the quorum");
            gateway.txn(List.of(), List.of(Txn.put("/vpn/t/a", "1", lease)), List.of()).get(30, TimeUnit.SECONDS);
            assertEquals("1", gateway.get("/vpn/t/a").get(30, TimeUnit.SECONDS).value());
            assertTrue(cut.asked.get() > 0, "the cut-off member was asked first");
            assertEquals(0, cut.held.get(), "no call waited for the cut-off member's request timeout");
        }
    }

    @Test
    void aWatchOnTheCutOffMemberMovesToTheQuorum() throws Exception
    {
        try (LeaderlessMember cut = new LeaderlessMember();
            EtcdGateway gateway = new EtcdGateway(List.of(cut.uri(), etcd.endpoints().get(1),
                etcd.endpoints().get(2)));
            EtcdGateway writer = new EtcdGateway(List.of(etcd.endpoints().get(2))))
        {
            final LinkedBlockingQueue<EtcdGateway.Event> seen = new LinkedBlockingQueue<>();
            // as the store does: from the revision after the state it read
            final long from = writer.txn(List.of(), List.of(Txn.put("/vpn/start", "x", 0)), List.of())
                .get(30, TimeUnit.SECONDS).revision() + 1;
            gateway.watch("/vpn/w/", from, seen::add);
            for (int i = 0; i < 200 && cut.watches.get() == 0; i++)
            {
                Thread.sleep(50);
            }
            assertTrue(cut.watches.get() > 0, "the watch began on the member that is then cut off");
            writer.txn(List.of(), List.of(Txn.put("/vpn/w/logoff", "x", 0)), List.of()).get(30, TimeUnit.SECONDS);
            final EtcdGateway.Event event = seen.poll(30, TimeUnit.SECONDS);
            assertNotNull(event, "the watch saw the quorum's change while that member was cut off");
            assertEquals("/vpn/w/logoff", event.kv().key());
        }
    }

    /**
     * An etcd 3.4 member with no leader, as it answers on its v3 JSON gateway (seen with curl on a member cut off by
     * nft, {@code cl_cut_etcd} of {@code perf/scripts/cluster-lib.sh}): a call that requires a leader (the
     * {@link EtcdGateway.REQUIRE_LEADER} header) is refused at once with 503 "etcdserver: no leader"; any other
     * call is held for etcd's request timeout (7 s) and then refused; a watch that requires a leader is created and
     * ended a few election timeouts later (here 1 s), one that does not stays open and silent.
     */
    private static final class LeaderlessMember implements AutoCloseable
    {
        private final HttpServer server;
        final AtomicInteger asked = new AtomicInteger();
        final AtomicInteger held = new AtomicInteger();
        final AtomicInteger watches = new AtomicInteger();

        LeaderlessMember() throws IOException
        {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
            server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
            server.createContext("/", this::answer);
            server.start();
        }

        URI uri()
        {
            return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
        }

        private void answer(final HttpExchange exchange) throws IOException
        {
            exchange.getRequestBody().readAllBytes();
            final boolean requiresLeader = "true".equals(exchange.getRequestHeaders().getFirst(
                EtcdGateway.REQUIRE_LEADER));
            if (exchange.getRequestURI().getPath().equals("/v3/watch"))
            {
                watches.incrementAndGet();
                exchange.sendResponseHeaders(200, 0);
                try (OutputStream out = exchange.getResponseBody())
                {
                    out.write("{\"result\":{\"header\":{\"revision\":\"1\"},\"created\":true}}\n".getBytes(
                        StandardCharsets.UTF_8));
                    out.flush();
                    sleep(requiresLeader ? 1_000 : 120_000);
                }
                return;
            }
            asked.incrementAndGet();
            if (!requiresLeader)
            {
                held.incrementAndGet();
                sleep(7_000);
            }
            final byte[] body = ("{\"error\":\"etcdserver: " + (requiresLeader ? "no leader" : "request timed out")
                + "\",\"message\":\"etcdserver: " + (requiresLeader ? "no leader" : "request timed out")
                + "\",\"code\":14}").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(503, body.length);
            try (OutputStream out = exchange.getResponseBody())
            {
                out.write(body);
            }
        }

        private static void sleep(final long millis)
        {
            try
            {
                Thread.sleep(millis);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public void close()
        {
            server.stop(0);
        }
    }
}
