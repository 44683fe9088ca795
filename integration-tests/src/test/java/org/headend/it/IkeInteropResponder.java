package org.headend.it;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.atomic.AtomicInteger;
import org.headend.control.ike.codec.Ike;
import org.headend.control.ike.crypto.DhGroup;
import org.headend.control.ike.crypto.IkeSuite;
import org.headend.control.ike.crypto.PrfAlgorithm;
import org.headend.control.ike.sa.IkeAction;
import org.headend.control.ike.sa.IkeHost;
import org.headend.control.ike.sa.IkeResponder;
import org.headend.control.ike.sa.IkeSa;
import org.headend.control.ike.sa.ResponderPolicy;

/**
 * The IKEv2 responder core on real UDP sockets (500, and 4500 with the non-ESP marker), for {@link IkeInteropIT}:
 * it runs in the test's server namespace so that a real strongSwan client can negotiate with it. It prints one line
 * per action ({@code CHILD_UP user address in/out}, {@code CHILD_REKEYED}, {@code IKE_REKEYED}, {@code CLOSED
 * reason}) and takes {@code logoff} on stdin. ESP is not carried here: only the IKE side is under test.
 * <p>
 * Arguments: bind address, server PSK, user, password, pool address, DNS server, allowed network/prefix, DPD seconds.
 */
public final class IkeInteropResponder
{
    private IkeInteropResponder()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final InetAddress bind = InetAddress.getByName(args[0]);
        final InteropAccount account = InteropAccount.fromArgs(args);
        final IkeHost host = account.host(new AtomicInteger(0x4000_0000)::getAndIncrement, spi ->
        {
        });
        final ResponderPolicy policy = new ResponderPolicy(List.of(
            new IkeSuite(Ike.ENCR_AES_GCM_16, 256, 0, PrfAlgorithm.HMAC_SHA2_384, DhGroup.ECP_384),
            new IkeSuite(Ike.ENCR_AES_GCM_16, 128, 0, PrfAlgorithm.HMAC_SHA2_256, DhGroup.ECP_256),
            new IkeSuite(Ike.ENCR_AES_CBC, 256, Ike.AUTH_HMAC_SHA2_256_128, PrfAlgorithm.HMAC_SHA2_256,
                DhGroup.MODP_2048)),
            List.of(256, 128), Ike.ID_FQDN, "vpn.example.test".getBytes(StandardCharsets.US_ASCII), null, List.of(),
            args[1].getBytes(StandardCharsets.UTF_8), null, 1000, 1000, 0, Integer.parseInt(args[7]), true);
        final IkeResponder responder = new IkeResponder(policy, host, new SecureRandom(), System.nanoTime());
        final Queue<String> commands = InteropAccount.stdinCommands();
        try (Selector selector = Selector.open();
            DatagramChannel ike = DatagramChannel.open().bind(new InetSocketAddress(bind, 500));
            DatagramChannel natT = DatagramChannel.open().bind(new InetSocketAddress(bind, 4500)))
        {
            ike.configureBlocking(false).register(selector, SelectionKey.OP_READ);
            natT.configureBlocking(false).register(selector, SelectionKey.OP_READ);
            System.out.println("READY");
            final ByteBuffer buffer = ByteBuffer.allocate(65_536);
            long nextTimer = System.nanoTime();
            while (true)
            {
                selector.select(200);
                selector.selectedKeys().clear();
                for (final DatagramChannel channel : new DatagramChannel[] {ike, natT})
                {
                    for (InetSocketAddress from; (from = (InetSocketAddress)channel.receive(buffer.clear())) != null; )
                    {
                        buffer.flip();
                        final boolean encapsulated = channel == natT;
                        if (encapsulated && (buffer.remaining() < 4 || buffer.getInt(0) != 0))
                        {
                            continue;
                        }
                        final byte[] message = new byte[buffer.remaining() - (encapsulated ? 4 : 0)];
                        buffer.get(encapsulated ? 4 : 0, message);
                        final InetSocketAddress to = new InetSocketAddress(bind, encapsulated ? 4500 : 500);
                        perform(responder.onDatagram(message, from, to, System.nanoTime()), ike, natT);
                    }
                }
                if (System.nanoTime() - nextTimer >= 0)
                {
                    nextTimer = System.nanoTime() + 500_000_000L;
                    perform(responder.onTimer(System.nanoTime()), ike, natT);
                }
                for (String command; (command = commands.poll()) != null; )
                {
                    if ("logoff".equals(command))
                    {
                        for (final IkeSa sa : responder.sas())
                        {
                            perform(responder.delete(sa.responderSpi(), "logoff", System.nanoTime()), ike, natT);
                        }
                    }
                    else if ("exit".equals(command))
                    {
                        return;
                    }
                }
            }
        }
    }

    private static void perform(final List<IkeAction> actions, final DatagramChannel ike, final DatagramChannel natT)
        throws java.io.IOException
    {
        final List<String> lines = new ArrayList<>();
        for (final IkeAction action : actions)
        {
            switch (action)
            {
                case IkeAction.Send send ->
                {
                    final boolean encapsulated = send.local().getPort() == 4500;
                    final ByteBuffer out = ByteBuffer.allocate(send.message().length + (encapsulated ? 4 : 0));
                    if (encapsulated)
                    {
                        out.putInt(0);
                    }
                    out.put(send.message()).flip();
                    (encapsulated ? natT : ike).send(out, send.peer());
                }
                case IkeAction.ChildUp up -> lines.add("CHILD_UP " + up.sa().username() + " "
                    + InetAddress.getByAddress(up.sa().config().address()).getHostAddress() + " "
                    + up.child() + " " + up.sa().suite());
                case IkeAction.ChildRekeyed rekeyed -> lines.add("CHILD_REKEYED " + rekeyed.replacement());
                case IkeAction.ChildRetired retired -> lines.add("CHILD_RETIRED " + Integer.toHexString(
                    retired.inboundSpi()));
                case IkeAction.Rekeyed rekeyed -> lines.add("IKE_REKEYED " + rekeyed.replacement());
                case IkeAction.Closed closed -> lines.add("CLOSED " + closed.reason());
                case IkeAction.RelayEap relay -> throw new IllegalStateException("this host answers EAP itself");
                case IkeAction.CheckPassword check -> throw new IllegalStateException("no EAP-GTC here");
            }
        }
        lines.forEach(System.out::println);
        System.out.flush();
    }
}
