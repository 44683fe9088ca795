package org.headend.it;

import io.netty.channel.IoEventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.uring.IoUringIoHandler;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.headend.control.ike.codec.Ike;
import org.headend.control.ike.crypto.DhGroup;
import org.headend.control.ike.crypto.IkeSuite;
import org.headend.control.ike.crypto.PrfAlgorithm;
import org.headend.control.ike.sa.ChildSa;
import org.headend.control.ike.sa.IkeAction;
import org.headend.control.ike.sa.IkeHost;
import org.headend.control.ike.sa.IkeResponder;
import org.headend.control.ike.sa.IkeSa;
import org.headend.control.ike.sa.ResponderPolicy;
import org.headend.crypto.AeadProvider;
import org.headend.dataplane.api.Dataplane;
import org.headend.dataplane.api.DataplaneCounter;
import org.headend.dataplane.api.EspSa;
import org.headend.dataplane.api.EspSocket;
import org.headend.dataplane.api.EspTunnel;
import org.headend.dataplane.api.TunnelAccess;
import org.headend.dataplane.api.TunnelListener;
import org.headend.nativecfg.tun.TunDevice;

/**
 * The IKEv2 responder core with the data plane's ESP port, for {@link EspInteropIT}: IKE on UDP 500 (a plain socket)
 * and on 4500 (the data plane's {@link EspSocket}, which hands IKE over and carries ESP), child SAs installed into
 * the data plane as the appliance will, and the client's packets written to a real TUN device of the server
 * namespace. Prints {@code READY}, {@code CHILD_UP address in/out}, {@code CHILD_REKEYED}, {@code CHILD_RETIRED},
 * {@code CLOSED reason}; takes {@code counters} (prints {@code COUNTERS rx tx drops}), {@code logoff} and
 * {@code exit} on stdin.
 * <p>
 * Arguments: bind address, server PSK, user, password, pool address, DNS server, allowed network/prefix, TUN name.
 */
public final class EspInteropResponder
{
    private static final int MTU = 1400;
    private static final int REPLAY_WINDOW = 128;

    private record Encapsulated(InetSocketAddress peer, InetSocketAddress local, byte[] message)
    {
    }

    private final IkeResponder responder;
    private final DatagramChannel udp500;
    private final EspSocket esp;
    private final Dataplane dataplane;
    private final int poolAddress;
    private final Map<IkeSa, EspTunnel> tunnels = new IdentityHashMap<>();
    private int nextTunnelId = 1;

    private EspInteropResponder(final IkeResponder responder, final DatagramChannel udp500, final EspSocket esp,
        final Dataplane dataplane, final int poolAddress)
    {
        this.responder = responder;
        this.udp500 = udp500;
        this.esp = esp;
        this.dataplane = dataplane;
        this.poolAddress = poolAddress;
    }

    public static void main(final String[] args) throws Exception
    {
        final InetAddress bind = InetAddress.getByName(args[0]);
        final InteropAccount account = InteropAccount.fromArgs(args);

        final MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1, IoUringIoHandler.newFactory());
        final IoEventLoop loop = group.next();
        final TunDevice tun = TunDevice.open(args[7], 1);
        final Dataplane dataplane = Dataplane.startShared(Dataplane.TunQueueBinding.of(tun.queue(0), false), loop);
        final BlockingQueue<Encapsulated> fromEsp = new LinkedBlockingQueue<>();
        final InetSocketAddress local4500 = new InetSocketAddress(bind, 4500);
        final EspSocket esp = dataplane.openEsp(new EspSocket.Options(loop, true, 1, false),
            (peer, local, message) -> fromEsp.add(new Encapsulated(peer, local4500, message)),
            AeadProvider.fromSystemProperties()::create);
        esp.bind(bind, 4500);

        final IkeHost host = account.host(esp::reserveSpi, esp::releaseSpi);
        final ResponderPolicy policy = new ResponderPolicy(List.of(
            new IkeSuite(Ike.ENCR_AES_GCM_16, 256, 0, PrfAlgorithm.HMAC_SHA2_384, DhGroup.ECP_384),
            new IkeSuite(Ike.ENCR_AES_GCM_16, 128, 0, PrfAlgorithm.HMAC_SHA2_256, DhGroup.ECP_256)),
            List.of(256, 128), Ike.ID_FQDN, "vpn.example.test".getBytes(StandardCharsets.US_ASCII), null, List.of(),
            args[1].getBytes(StandardCharsets.UTF_8), null, 1000, 1000, 0, 0, true);
        final Queue<String> commands = InteropAccount.stdinCommands();

        try (DatagramChannel udp500 = DatagramChannel.open().bind(new InetSocketAddress(bind, 500)))
        {
            udp500.configureBlocking(false);
            final EspInteropResponder self = new EspInteropResponder(
                new IkeResponder(policy, host, new SecureRandom(), System.nanoTime()), udp500, esp, dataplane,
                ByteBuffer.wrap(account.pool()).getInt());
            System.out.println("READY");
            System.out.flush();
            self.run(fromEsp, commands, new InetSocketAddress(bind, 500));
        }
        finally
        {
            esp.close();
            dataplane.close();
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
            tun.close();
        }
    }

    private void run(final BlockingQueue<Encapsulated> fromEsp, final Queue<String> commands,
        final InetSocketAddress local500) throws Exception
    {
        final ByteBuffer buffer = ByteBuffer.allocate(65_536);
        long nextTimer = System.nanoTime();
        while (true)
        {
            final Encapsulated encapsulated = fromEsp.poll(20, TimeUnit.MILLISECONDS);
            if (encapsulated != null)
            {
                perform(responder.onDatagram(encapsulated.message(), encapsulated.peer(), encapsulated.local(),
                    System.nanoTime()));
            }
            for (InetSocketAddress from; (from = (InetSocketAddress)udp500.receive(buffer.clear())) != null; )
            {
                buffer.flip();
                final byte[] message = new byte[buffer.remaining()];
                buffer.get(message);
                perform(responder.onDatagram(message, from, local500, System.nanoTime()));
            }
            if (System.nanoTime() - nextTimer >= 0)
            {
                nextTimer = System.nanoTime() + 500_000_000L;
                perform(responder.onTimer(System.nanoTime()));
            }
            for (String command; (command = commands.poll()) != null; )
            {
                switch (command)
                {
                    case "logoff" ->
                    {
                        for (final IkeSa sa : List.copyOf(responder.sas()))
                        {
                            perform(responder.delete(sa.responderSpi(), "logoff", System.nanoTime()));
                        }
                    }
                    case "counters" ->
                    {
                        long rx = 0;
                        long tx = 0;
                        long drops = 0;
                        for (final EspTunnel tunnel : tunnels.values())
                        {
                            rx += tunnel.rxPackets();
                            tx += tunnel.txPackets();
                            drops += tunnel.rxDrops() + tunnel.txDrops();
                        }
                        System.out.println("COUNTERS " + rx + " " + tx + " " + drops);
                    }
                    case "dataplane" ->
                    {
                        final StringBuilder line = new StringBuilder("DATAPLANE");
                        for (final DataplaneCounter counter : DataplaneCounter.values())
                        {
                            if (dataplane.counters().get(counter) != 0)
                            {
                                line.append(' ').append(counter).append('=').append(dataplane.counters().get(counter));
                            }
                        }
                        System.out.println(line);
                    }
                    case "exit" ->
                    {
                        return;
                    }
                    default -> System.out.println("UNKNOWN " + command);
                }
            }
            System.out.flush();
        }
    }

    /**
     * Applies the core's actions: SA changes first, then the messages, so that a child SA is in the data plane
     * before the answer that completes it leaves (the client's first ESP packet follows that answer).
     */
    private void perform(final List<IkeAction> actions) throws java.io.IOException
    {
        final List<String> lines = new ArrayList<>();
        for (final IkeAction action : actions)
        {
            switch (action)
            {
                case IkeAction.ChildUp up ->
                {
                    final ChildSa child = up.child();
                    final EspTunnel tunnel = esp.install(nextTunnelId++, new TunnelAccess(poolAddress, null, null),
                        MTU, up.sa().peer(), inbound(child), outbound(child), new Closes());
                    dataplane.addRoutes(tunnel);
                    tunnels.put(up.sa(), tunnel);
                    lines.add("CHILD_UP " + InetAddress.getByAddress(up.sa().config().address()).getHostAddress()
                        + " " + child);
                }
                case IkeAction.ChildRekeyed rekeyed ->
                {
                    tunnels.get(rekeyed.sa()).rekey(inbound(rekeyed.replacement()), outbound(rekeyed.replacement()));
                    lines.add("CHILD_REKEYED " + rekeyed.replacement());
                }
                case IkeAction.ChildRetired retired ->
                {
                    final EspTunnel tunnel = tunnels.get(retired.sa());
                    if (tunnel != null)
                    {
                        tunnel.retireInbound(retired.inboundSpi());
                    }
                    lines.add("CHILD_RETIRED " + Integer.toHexString(retired.inboundSpi()));
                }
                case IkeAction.Rekeyed rekeyed ->
                {
                    final EspTunnel tunnel = tunnels.remove(rekeyed.old());
                    if (tunnel != null)
                    {
                        tunnels.put(rekeyed.replacement(), tunnel);
                    }
                    lines.add("IKE_REKEYED " + rekeyed.replacement());
                }
                case IkeAction.Closed closed ->
                {
                    final EspTunnel tunnel = tunnels.remove(closed.sa());
                    if (tunnel != null)
                    {
                        dataplane.removeRoutes(tunnel);
                        tunnel.disconnect(closed.reason());
                    }
                    lines.add("CLOSED " + closed.reason());
                }
                case IkeAction.Send send ->
                {
                    // below, once every SA change is in place
                }
                default -> lines.add("ACTION " + action);
            }
        }
        for (final IkeAction action : actions)
        {
            if (action instanceof IkeAction.Send send)
            {
                if (send.local().getPort() == 4500)
                {
                    esp.sendIke(send.peer(), send.message(), 0, send.message().length);
                }
                else
                {
                    udp500.send(ByteBuffer.wrap(send.message()), send.peer());
                }
            }
        }
        lines.forEach(System.out::println);
        System.out.flush();
    }

    private static EspSa inbound(final ChildSa child)
    {
        return EspSa.fromKeymat(child.inboundSpi(), child.keymatIn(), child.esn(), REPLAY_WINDOW);
    }

    private static EspSa outbound(final ChildSa child)
    {
        return EspSa.fromKeymat(child.outboundSpi(), child.keymatOut(), child.esn(), 0);
    }

    /** Prints the end of a tunnel. */
    private static final class Closes implements TunnelListener
    {
        @Override
        public void onDisconnectRequest(final int reason, final String text)
        {
        }

        @Override
        public void onClosed(final CloseCause cause, final String detail)
        {
            System.out.println("TUNNEL_CLOSED " + cause + " " + detail);
            System.out.flush();
        }
    }
}
