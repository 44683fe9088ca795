package org.headend.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.IntConsumer;
import java.util.function.IntSupplier;
import org.headend.control.auth.radius.MsChapV2;
import org.headend.control.ike.codec.TrafficSelector;
import org.headend.control.ike.sa.ClientConfig;
import org.headend.control.ike.sa.IkeHost;
import org.headend.control.ike.sa.IkeSa;

/**
 * The one EAP-MSCHAPv2 account that {@link IkeInteropResponder} and {@link EspInteropResponder} serve, read from their
 * common arguments (user, password, pool address, DNS server, allowed network/prefix at {@code args[2..6]}), and the
 * {@link IkeHost} that admits it; both responders read the test's commands from stdin the same way too.
 */
record InteropAccount(String user, byte[] ntPasswordHash, byte[] pool, byte[] dns, TrafficSelector allowed)
{
    static InteropAccount fromArgs(final String[] args) throws IOException
    {
        final String[] network = args[6].split("/");
        final int prefix = Integer.parseInt(network[1]);
        final int base = ByteBuffer.wrap(InetAddress.getByName(network[0]).getAddress()).getInt();
        final int mask = prefix == 0 ? 0 : -1 << (32 - prefix);
        final TrafficSelector allowed = TrafficSelector.ipv4Range(ByteBuffer.allocate(4).putInt(base & mask).array(),
            ByteBuffer.allocate(4).putInt(base | ~mask).array());
        return new InteropAccount(args[2], MsChapV2.ntPasswordHash(args[3]),
            InetAddress.getByName(args[4]).getAddress(), InetAddress.getByName(args[5]).getAddress(), allowed);
    }

    /** A host that knows only this account, gives it the pool address, and takes SPIs from {@code reserveSpi}. */
    IkeHost host(final IntSupplier reserveSpi, final IntConsumer releaseSpi)
    {
        return new IkeHost()
        {
            @Override
            public byte[] ntPasswordHash(final String username)
            {
                return user.equals(username) ? ntPasswordHash : null;
            }

            @Override
            public ClientConfig admit(final IkeSa sa, final String username)
            {
                return new ClientConfig(pool, List.of(dns), null, List.of(allowed));
            }

            @Override
            public void release(final IkeSa sa)
            {
            }

            @Override
            public int reserveSpi()
            {
                return reserveSpi.getAsInt();
            }

            @Override
            public void releaseSpi(final int spi)
            {
                releaseSpi.accept(spi);
            }
        };
    }

    /** The test's commands, one per stdin line, trimmed; {@code exit} when stdin fails. */
    static Queue<String> stdinCommands()
    {
        final ConcurrentLinkedQueue<String> commands = new ConcurrentLinkedQueue<>();
        final Thread stdin = new Thread(() ->
        {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)))
            {
                for (String line; (line = in.readLine()) != null; )
                {
                    commands.add(line.trim());
                }
            }
            catch (final IOException ex)
            {
                commands.add("exit");
            }
        }, "stdin");
        stdin.setDaemon(true);
        stdin.start();
        return commands;
    }
}
