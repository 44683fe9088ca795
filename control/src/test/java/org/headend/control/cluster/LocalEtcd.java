package org.headend.control.cluster;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real etcd cluster of three members on loopback, for the tests: Debian's {@code etcd} binary, one process per
 * member, free ports, a temporary data directory; {@link #close} kills the processes and removes the directory.
 */
final class LocalEtcd implements AutoCloseable
{
    private final Path dir;
    private final List<Process> processes = new ArrayList<>();
    private final List<URI> clients = new ArrayList<>();

    LocalEtcd() throws Exception
    {
        this(null);
    }

    /**
     * With {@code certs} (a directory with {@code ca.pem}, {@code server.pem}, {@code server-key.pem}): clients reach
     * etcd over TLS only and must present a certificate from that CA ({@code --client-cert-auth}).
     */
    LocalEtcd(final Path certs) throws Exception
    {
        this(certs, List.of());
    }

    /** As {@link #LocalEtcd(Path)}, each member started with {@code extra} flags too. */
    LocalEtcd(final Path certs, final List<String> extra) throws Exception
    {
        dir = Files.createTempDirectory("etcd-test");
        final int[] client = new int[3];
        final int[] peer = new int[3];
        for (int i = 0; i < 3; i++)
        {
            client[i] = freePort();
            peer[i] = freePort();
        }
        final StringBuilder initial = new StringBuilder();
        for (int i = 0; i < 3; i++)
        {
            initial.append(i == 0 ? "" : ",").append("m").append(i).append("=http://127.0.0.1:").append(peer[i]);
        }
        try
        {
            for (int i = 0; i < 3; i++)
            {
                final String c = (certs == null ? "http" : "https") + "://127.0.0.1:" + client[i];
                final String p = "http://127.0.0.1:" + peer[i];
                final List<String> argv = new ArrayList<>(List.of("etcd", "--logger=zap", "--log-level=error", "--name",
                    "m" + i, "--data-dir", dir.resolve("m" + i).toString(), "--listen-client-urls", c,
                    "--advertise-client-urls", c, "--listen-peer-urls", p, "--initial-advertise-peer-urls", p,
                    "--initial-cluster", initial.toString(), "--initial-cluster-token", dir.getFileName().toString(),
                    "--initial-cluster-state", "new", "--pre-vote=true"));
                argv.addAll(extra);
                if (certs != null)
                {
                    argv.addAll(List.of("--cert-file", certs.resolve("server.pem").toString(), "--key-file",
                        certs.resolve("server-key.pem").toString(), "--client-cert-auth", "--trusted-ca-file",
                        certs.resolve("ca.pem").toString()));
                }
                processes.add(new ProcessBuilder(argv).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("m" + i + ".log").toFile()).start());
                clients.add(URI.create(c));
            }
            if (certs == null)
            {
                awaitHealthy();
            }
            else
            {
                awaitListening(client);
            }
        }
        catch (final Exception ex)
        {
            close();
            throw ex;
        }
    }

    List<URI> endpoints()
    {
        return clients;
    }

    /** Runs {@code etcdctl} against the members with {@code args}; its output, or an exception naming it. */
    String etcdctl(final String... args) throws Exception
    {
        final List<String> argv = new ArrayList<>(List.of("etcdctl", "--endpoints", String.join(",",
            clients.stream().map(URI::toString).toList())));
        argv.addAll(List.of(args));
        final Process ctl = new ProcessBuilder(argv).redirectErrorStream(true).start();
        final String out = new String(ctl.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        if (!ctl.waitFor(30, TimeUnit.SECONDS) || ctl.exitValue() != 0)
        {
            throw new IllegalStateException("etcdctl " + args[0] + " failed: " + out);
        }
        return out;
    }

    private void awaitHealthy() throws Exception
    {
        final java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        for (final URI uri : clients)
        {
            while (true)
            {
                try
                {
                    final var answer = http.send(java.net.http.HttpRequest.newBuilder(uri.resolve("/health"))
                        .timeout(java.time.Duration.ofSeconds(2)).build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
                    if (answer.statusCode() == 200 && answer.body().contains("true"))
                    {
                        break;
                    }
                }
                catch (final IOException ex)
                {
                    // not up yet
                }
                if (System.nanoTime() > deadline)
                {
                    throw new IllegalStateException("etcd did not become healthy; logs in " + dir);
                }
                Thread.sleep(100);
            }
        }
    }

    /** Over TLS the test cannot ask /health without a client certificate: waits until every member listens. */
    private void awaitListening(final int[] ports) throws Exception
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        for (final int port : ports)
        {
            while (true)
            {
                try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port))
                {
                    break;
                }
                catch (final IOException ex)
                {
                    if (System.nanoTime() > deadline)
                    {
                        throw new IllegalStateException("etcd did not listen; logs in " + dir, ex);
                    }
                    Thread.sleep(100);
                }
            }
        }
    }

    private static int freePort() throws IOException
    {
        try (ServerSocket socket = new ServerSocket(0))
        {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() throws IOException
    {
        for (final Process process : processes)
        {
            process.destroyForcibly();
        }
        for (final Process process : processes)
        {
            try
            {
                process.waitFor(10, TimeUnit.SECONDS);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }
        try (Stream<Path> files = Files.walk(dir))
        {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
