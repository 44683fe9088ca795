import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.headend.control.flash.TftpClient;

/**
 * tftp-copy.sh's client: reads FILE from the TFTP server at HOST, then writes it back as FILE.back, ROUNDS times, with
 * the headend's TftpClient; prints each transfer's MB/s and checks the bytes.
 */
public final class TftpCopy
{
    public static void main(final String[] args) throws Exception
    {
        final String host = args[0];
        final String file = args[1];
        final int rounds = Integer.parseInt(args[2]);
        final byte[] expected = Files.readAllBytes(Path.of(args[3]));
        final TftpClient client = TftpClient.standard();
        for (int round = 1; round <= rounds; round++)
        {
            final ByteArrayOutputStream out = new ByteArrayOutputStream(expected.length);
            long start = System.nanoTime();
            client.get(TftpClient.Target.parse("tftp://" + host + "/" + file), out, Long.MAX_VALUE);
            final double get = (System.nanoTime() - start) / 1e9;
            if (!Arrays.equals(expected, out.toByteArray()))
            {
                throw new IllegalStateException("round " + round + ": the file read differs");
            }
            start = System.nanoTime();
            client.put(TftpClient.Target.parse("tftp://" + host + "/" + file + ".back"),
                new ByteArrayInputStream(expected), expected.length);
            final double put = (System.nanoTime() - start) / 1e9;
            System.out.printf("round %d: read %.1f MB/s (%.2f s), write %.1f MB/s (%.2f s)%n", round,
                expected.length / 1e6 / get, get, expected.length / 1e6 / put, put);
        }
    }
}
