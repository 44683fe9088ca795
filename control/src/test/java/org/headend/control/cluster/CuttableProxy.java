package org.headend.control.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP relay on loopback in front of one etcd member, which a test can cut and heal: a network partition between one
 * cluster member and etcd without namespaces. While cut, no byte moves either way and new connections get no
 * answer, as with a firewall that drops packets; on heal the bytes held back flow on, as TCP retransmission would
 * deliver them. Nothing is lost or reordered, so each connection still carries what its two ends wrote.
 */
final class CuttableProxy implements AutoCloseable
{
    private final ServerSocket server;
    private final InetSocketAddress target;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final Object gate = new Object();
    private boolean cut;
    /** Requests reach etcd, answers are thrown away with their connection ({@link #loseAnswers}). */
    private volatile boolean losing;
    /** Every connection is closed at once, nothing reaches etcd ({@link #refuse}). */
    private volatile boolean refusing;
    private volatile boolean closed;

    CuttableProxy(final URI etcd) throws IOException
    {
        target = new InetSocketAddress(etcd.getHost(), etcd.getPort());
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(this::accept);
    }

    /** The URL members use instead of etcd's. */
    URI uri()
    {
        return URI.create("http://127.0.0.1:" + server.getLocalPort());
    }

    void cut()
    {
        synchronized (gate)
        {
            cut = true;
        }
    }

    /**
     * Lets requests through to etcd but loses every answer, closing its connection: etcd carries out what it is
     * asked and the member never hears it did (a partition that falls between a request and its answer).
     */
    void loseAnswers()
    {
        losing = true;
    }

    /**
     * Closes every connection and each new one at once: etcd is unreachable and the member hears so at once, and
     * nothing it sends meanwhile reaches etcd later (unlike {@link #cut}, which delivers it on heal).
     */
    void refuse()
    {
        refusing = true;
        sockets.forEach(this::close);
    }

    void heal()
    {
        losing = false;
        refusing = false;
        synchronized (gate)
        {
            cut = false;
            gate.notifyAll();
        }
    }

    private void awaitHealed() throws InterruptedException
    {
        synchronized (gate)
        {
            while (cut && !closed)
            {
                gate.wait(200);
            }
        }
    }

    private void accept()
    {
        while (!closed)
        {
            try
            {
                final Socket client = server.accept();
                if (refusing)
                {
                    close(client);
                    continue;
                }
                sockets.add(client);
                Thread.ofVirtual().start(() -> relay(client));
            }
            catch (final IOException ex)
            {
                return; // closed
            }
        }
    }

    private void relay(final Socket client)
    {
        try
        {
            awaitHealed();
            final Socket upstream = new Socket(target.getAddress(), target.getPort());
            sockets.add(upstream);
            Thread.ofVirtual().start(() -> pump(upstream, client, true));
            pump(client, upstream, false);
        }
        catch (final IOException | InterruptedException ex)
        {
            close(client);
        }
    }

    private void pump(final Socket from, final Socket to, final boolean answers)
    {
        final byte[] buffer = new byte[16 * 1024];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream())
        {
            int n;
            while ((n = in.read(buffer)) >= 0)
            {
                awaitHealed();
                if (answers && losing)
                {
                    break;
                }
                out.write(buffer, 0, n);
                out.flush();
            }
        }
        catch (final IOException | InterruptedException ex)
        {
            // one end went away: the other follows
        }
        finally
        {
            close(from);
            close(to);
        }
    }

    private void close(final Socket socket)
    {
        try
        {
            socket.close();
        }
        catch (final IOException ex)
        {
            // already closed
        }
        sockets.remove(socket);
    }

    @Override
    public void close() throws IOException
    {
        closed = true;
        heal();
        server.close();
        sockets.forEach(this::close);
    }
}
