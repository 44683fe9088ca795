package org.headend.perf.loadgen;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.agrona.concurrent.UnsafeBuffer;
import org.bouncycastle.tls.CipherSuite;
import org.bouncycastle.tls.DTLSServerProtocol;
import org.bouncycastle.tls.DTLSTransport;
import org.bouncycastle.tls.DatagramTransport;
import org.bouncycastle.tls.PSKTlsServer;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.TlsPSKIdentityManager;
import org.bouncycastle.tls.TlsSession;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;
import org.headend.crypto.AeadProvider;
import org.headend.dataplane.dtls.DtlsRecordCodec;
import org.headend.dataplane.dtls.DtlsRecordHeader;
import org.junit.jupiter.api.Test;

/**
 * The generator's PSK-NEGOTIATE client against a DTLS 1.2 PSK server: the App-ID arrives as the ClientHello's
 * session id, and after the handshake the headend's record codec, given the client's mirrored keys, exchanges
 * records with the server's own record layer in both directions.
 */
class PskDtlsClientTest
{
    private static final byte[] PSK = new byte[32];
    private static final byte[] APP_ID = new byte[32];

    static
    {
        new SecureRandom().nextBytes(PSK);
        new SecureRandom().nextBytes(APP_ID);
    }

    @Test
    void shouldSendTheAppIdAndShareRecordKeysWithTheServer() throws Exception
    {
        final LinkedBlockingQueue<byte[]> toServer = new LinkedBlockingQueue<>();
        final LinkedBlockingQueue<byte[]> toClient = new LinkedBlockingQueue<>();
        final CompletableFuture<byte[]> seenSessionId = new CompletableFuture<>();
        final Server server = new Server(seenSessionId);
        final CompletableFuture<DTLSTransport> serverSide = CompletableFuture.supplyAsync(() ->
        {
            try
            {
                return new DTLSServerProtocol().accept(server, new Pipe(toServer, toClient));
            }
            catch (final IOException ex)
            {
                throw new IllegalStateException(ex);
            }
        });
        final PskDtlsClient client = new PskDtlsClient(PSK, APP_ID);
        final Pipe clientPipe = new Pipe(toClient, toServer);
        new org.bouncycastle.tls.DTLSClientProtocol().connect(client, clientPipe);
        final DTLSTransport serverTransport = serverSide.get(20, TimeUnit.SECONDS);
        assertArrayEquals(APP_ID, seenSessionId.get(1, TimeUnit.SECONDS), "the App-ID is the ClientHello session id");

        try (DtlsRecordCodec codec = new DtlsRecordCodec(client.keys(), AeadProvider.select("jdk")::create))
        {
            // server → client: BC's record layer seals, the headend's codec opens with the mirrored keys
            final byte[] hello = "\0hello from the server".getBytes(StandardCharsets.US_ASCII);
            serverTransport.send(hello, 0, hello.length);
            final byte[] record = nextApplicationRecord(toClient);
            final UnsafeBuffer out = new UnsafeBuffer(new byte[2048]);
            final int opened = codec.open(new UnsafeBuffer(record), 0, record.length, out, 0);
            assertEquals(hello.length, opened);
            final byte[] plain = new byte[opened];
            out.getBytes(0, plain);
            assertArrayEquals(hello, plain);

            // client → server: the codec seals, BC's record layer opens
            final byte[] ping = "\0ping from the generator".getBytes(StandardCharsets.US_ASCII);
            final UnsafeBuffer rec = new UnsafeBuffer(new byte[2048]);
            rec.putBytes(DtlsRecordCodec.PLAINTEXT_OFFSET, ping);
            final int length = codec.sealInPlace(rec, 0, ping.length);
            final byte[] datagram = new byte[length];
            rec.getBytes(0, datagram);
            toServer.add(datagram);
            final byte[] received = new byte[2048];
            final int n = serverTransport.receive(received, 0, received.length, 5000);
            assertEquals(ping.length, n);
            assertArrayEquals(ping, java.util.Arrays.copyOf(received, n));
        }
    }

    /**
     * The next application-data record in {@code pipe}. On a slow machine a side resends a handshake flight before
     * the other has answered; the handshake finishes on the first copy, and what was resent is still queued.
     */
    private static byte[] nextApplicationRecord(final LinkedBlockingQueue<byte[]> pipe) throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (true)
        {
            final byte[] record = pipe.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (record == null || record[0] == DtlsRecordHeader.TYPE_APPLICATION_DATA)
            {
                return record;
            }
        }
    }

    /** A DTLS 1.2 PSK server that records the session id the client offered and never resumes. */
    private static final class Server extends PSKTlsServer
    {
        private final CompletableFuture<byte[]> seenSessionId;

        Server(final CompletableFuture<byte[]> seenSessionId)
        {
            super(new BcTlsCrypto(new SecureRandom()), new TlsPSKIdentityManager()
            {
                @Override
                public byte[] getHint()
                {
                    return null;
                }

                @Override
                public byte[] getPSK(final byte[] identity)
                {
                    return "psk".equals(new String(identity, StandardCharsets.US_ASCII)) ? PSK.clone() : null;
                }
            });
            this.seenSessionId = seenSessionId;
        }

        @Override
        protected ProtocolVersion[] getSupportedVersions()
        {
            return ProtocolVersion.DTLSv12.only();
        }

        @Override
        protected int[] getSupportedCipherSuites()
        {
            return new int[] {CipherSuite.TLS_PSK_WITH_AES_128_GCM_SHA256};
        }

        @Override
        public TlsSession getSessionToResume(final byte[] sessionId)
        {
            seenSessionId.complete(sessionId.clone());
            return null;
        }
    }

    /** One direction in, one out: datagrams as byte arrays. */
    private record Pipe(LinkedBlockingQueue<byte[]> in, LinkedBlockingQueue<byte[]> out) implements DatagramTransport
    {
        @Override
        public int getReceiveLimit()
        {
            return 2048;
        }

        @Override
        public int getSendLimit()
        {
            return 1400;
        }

        @Override
        public int receive(final byte[] buf, final int off, final int len, final int waitMillis) throws IOException
        {
            try
            {
                final byte[] d = in.poll(waitMillis, TimeUnit.MILLISECONDS);
                if (d == null)
                {
                    return -1;
                }
                System.arraycopy(d, 0, buf, off, Math.min(len, d.length));
                return Math.min(len, d.length);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException();
            }
        }

        @Override
        public void send(final byte[] buf, final int off, final int len)
        {
            out.add(java.util.Arrays.copyOfRange(buf, off, off + len));
        }

        @Override
        public void close()
        {
        }
    }
}
