package org.headend.dataplane.dtls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.agrona.concurrent.UnsafeBuffer;
import org.bouncycastle.tls.BasicTlsPSKIdentity;
import org.bouncycastle.tls.CipherSuite;
import org.bouncycastle.tls.DTLSClientProtocol;
import org.bouncycastle.tls.DTLSServerProtocol;
import org.bouncycastle.tls.DTLSTransport;
import org.bouncycastle.tls.DatagramTransport;
import org.bouncycastle.tls.PSKTlsClient;
import org.bouncycastle.tls.PSKTlsServer;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.SecurityParameters;
import org.bouncycastle.tls.TlsPSKIdentityManager;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;
import org.bouncycastle.util.Arrays;
import org.headend.crypto.jca.JcaAesGcm;
import org.headend.crypto.kdf.BcKeyBlock;
import org.headend.crypto.openssl.EvpAesGcm;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.headend.dataplane.api.DtlsKeys;

/**
 * Our record layer against BouncyCastle's: BC runs a real DTLS 1.2 PSK handshake over an in-memory datagram pipe,
 * the server's keys go to {@link DtlsRecordCodec}, and then each side must read what the other sealed.
 */
class DtlsRecordCodecInteropTest
{
    private static final byte[] PSK = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    @ParameterizedTest
    @CsvSource({"0x00A8,openssl", "0x00A9,openssl", "0x00A8,jdk", "0x00A9,jdk"})
    void shouldReadBouncyCastleRecordsAndBeReadByIt(final String suiteHex, final String implementation)
        throws Exception
    {
        final int suite = Integer.decode(suiteHex);
        final Pipe toServer = new Pipe();
        final Pipe toClient = new Pipe();
        final KeyCapturingServer server = new KeyCapturingServer(suite);
        final CompletableFuture<DTLSTransport> serverSide = CompletableFuture.supplyAsync(() ->
        {
            try
            {
                return new DTLSServerProtocol().accept(server, new Endpoint(toServer, toClient));
            }
            catch (final IOException ex)
            {
                throw new IllegalStateException(ex);
            }
        });
        final DTLSTransport client = new DTLSClientProtocol().connect(new Client(suite), new Endpoint(toClient, toServer));
        serverSide.get(10, TimeUnit.SECONDS);

        final DtlsRecordCodec codec = new DtlsRecordCodec(server.keys, "jdk".equals(implementation)
            ? JcaAesGcm::new : EvpAesGcm::new);

        // BC client → our codec
        final byte[] packet = new byte[1400];
        new SecureRandom().nextBytes(packet);
        for (int i = 0; i < 3; i++)
        {
            client.send(packet, 0, packet.length);
            final byte[] record = nextApplicationRecord(toServer);
            final UnsafeBuffer in = new UnsafeBuffer(record);
            final UnsafeBuffer out = new UnsafeBuffer(new byte[record.length]);
            assertEquals(packet.length, codec.open(in, 0, record.length, out, 0));
            assertArrayEquals(packet, Arrays.copyOf(out.byteArray(), packet.length));
            assertEquals(DtlsRecordCodec.REPLAYED, codec.open(in, 0, record.length, out, 0), "a replay is refused");
        }

        // our codec → BC client
        final byte[] reply = "reply through our record layer".getBytes(StandardCharsets.US_ASCII);
        final UnsafeBuffer record = new UnsafeBuffer(new byte[reply.length + DtlsRecordCodec.OVERHEAD]);
        record.putBytes(DtlsRecordCodec.PLAINTEXT_OFFSET, reply);
        final int length = codec.sealInPlace(record, 0, reply.length);
        assertEquals(reply.length + DtlsRecordCodec.OVERHEAD, length);
        toClient.queue.add(Arrays.copyOf(record.byteArray(), length));
        final byte[] received = new byte[2048];
        final int n = client.receive(received, 0, received.length, 5000);
        assertArrayEquals(reply, Arrays.copyOf(received, n));

        final byte[] tampered = Arrays.copyOf(record.byteArray(), length);
        tampered[length - 1] ^= 1;
        tampered[DtlsRecordHeader.SEQUENCE_OFFSET + 5] = 99;
        assertEquals(DtlsRecordCodec.AUTH_FAILED,
            codec.open(new UnsafeBuffer(tampered), 0, length, new UnsafeBuffer(new byte[length]), 0),
            "our own server-sealed record does not open with the client key");
        codec.close();
    }

    /**
     * The next application-data record the client sent. On a slow machine the client resends its last handshake
     * flight before the server has answered it; the server finishes on the first copy, and the resent ones are
     * still queued in front of the data.
     */
    private static byte[] nextApplicationRecord(final Pipe pipe) throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (true)
        {
            final byte[] record = pipe.queue.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (record == null || record[0] == DtlsRecordHeader.TYPE_APPLICATION_DATA)
            {
                return record;
            }
        }
    }

    /** One direction of the datagram pipe. */
    private static final class Pipe
    {
        private final BlockingQueue<byte[]> queue = new LinkedBlockingQueue<>();
    }

    private record Endpoint(Pipe in, Pipe out) implements DatagramTransport
    {
        @Override
        public int getReceiveLimit()
        {
            return 16384;
        }

        @Override
        public int getSendLimit()
        {
            return 1500;
        }

        @Override
        public int receive(final byte[] buf, final int off, final int len, final int waitMillis) throws IOException
        {
            try
            {
                final byte[] datagram = in.queue.poll(waitMillis, TimeUnit.MILLISECONDS);
                if (datagram == null)
                {
                    return -1;
                }
                System.arraycopy(datagram, 0, buf, off, datagram.length);
                return datagram.length;
            }
            catch (final InterruptedException ex)
            {
                throw new IOException(ex);
            }
        }

        @Override
        public void send(final byte[] buf, final int off, final int len)
        {
            out.queue.add(Arrays.copyOfRange(buf, off, off + len));
        }

        @Override
        public void close()
        {
        }
    }

    private static final class KeyCapturingServer extends PSKTlsServer
    {
        private final int suite;
        private volatile DtlsKeys keys;

        KeyCapturingServer(final int suite)
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
                    return PSK.clone();
                }
            });
            this.suite = suite;
        }

        @Override
        protected ProtocolVersion[] getSupportedVersions()
        {
            return ProtocolVersion.DTLSv12.only();
        }

        @Override
        protected int[] getSupportedCipherSuites()
        {
            return new int[] {suite};
        }

        @Override
        public void notifyHandshakeComplete() throws IOException
        {
            super.notifyHandshakeComplete();
            final SecurityParameters sp = context.getSecurityParametersConnection();
            final int keyLength = suite == CipherSuite.TLS_PSK_WITH_AES_256_GCM_SHA384 ? 32 : 16;
            keys = DtlsKeys.forServer(BcKeyBlock.derive(sp, keyLength), 1,
                keyLength == 32 ? "AES-GCM-256" : "AES-GCM-128", keyLength == 32 ? "SHA384" : "SHA256");
        }
    }

    private static final class Client extends PSKTlsClient
    {
        private final int suite;

        Client(final int suite)
        {
            super(new BcTlsCrypto(new SecureRandom()), new BasicTlsPSKIdentity("psk", PSK));
            this.suite = suite;
        }

        @Override
        protected ProtocolVersion[] getSupportedVersions()
        {
            return ProtocolVersion.DTLSv12.only();
        }

        @Override
        protected int[] getSupportedCipherSuites()
        {
            return new int[] {suite};
        }
    }
}
