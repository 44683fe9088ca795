package org.headend.perf.aaa;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import org.headend.control.config.PasswordHash;

/**
 * The CPU one local-user password check costs a login (issue 13), as thread CPU time, so that a loaded machine
 * stretches the wall clock but not the figure: the headend's own check ({@link PasswordHash#matches},
 * PBKDF2-HMAC-SHA512 with the 5,000 iterations every hash it writes carries, through OpenSSL), the JDK's
 * {@code PBKDF2WithHmacSHA512} at the same count, and ocserv's {@code sha512-crypt} with its default 5,000 rounds
 * (glibc's {@code crypt}: what {@code ocpasswd} and {@code openssl passwd -6} write). The three alternate in rounds
 * after a warm-up, and each prints its mean and best round.
 * <p>
 * {@code java --enable-native-access=ALL-UNNAMED -cp perf/target/headend-perf.jar
 * org.headend.perf.aaa.PasswordHashCost [CHECKS_PER_ROUND] [ROUNDS]}
 */
public final class PasswordHashCost
{
    private static final String PASSWORD = "cost-secret";
    private static final String[] KINDS = {"headend PBKDF2-HMAC-SHA512 5000 (OpenSSL SHA-512)",
        "JDK PBKDF2WithHmacSHA512 5000", "ocserv sha512-crypt 5000 rounds (glibc crypt)"};

    private PasswordHashCost()
    {
    }

    // binding libcrypt's crypt is a restricted operation
    @SuppressWarnings("restricted")
    public static void main(final String[] args) throws Throwable
    {
        final int checks = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        final int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        final PasswordHash stored = PasswordHash.of(PASSWORD);
        final SecretKeyFactory jdk = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA512");
        final byte[] salt = new byte[16];
        try (Arena arena = Arena.ofConfined())
        {
            final MethodHandle crypt = Linker.nativeLinker().downcallHandle(
                SymbolLookup.libraryLookup("libcrypt.so.1", arena).find("crypt").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.ADDRESS));
            final MemorySegment key = arena.allocateFrom(PASSWORD);
            final MemorySegment setting = arena.allocateFrom("$6$0123456789abcdef$");
            final Check[] kinds = {
                () -> stored.matches(PASSWORD),
                () -> jdk.generateSecret(new PBEKeySpec(PASSWORD.toCharArray(), salt, 5000, 256)),
                () ->
                {
                    final MemorySegment hash = (MemorySegment)crypt.invokeExact(key, setting);
                }};
            final ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
            final double[] sum = new double[kinds.length];
            final double[] best = {Double.MAX_VALUE, Double.MAX_VALUE, Double.MAX_VALUE};
            for (int round = -1; round < rounds; round++) // round -1 warms up
            {
                for (int k = 0; k < kinds.length; k++)
                {
                    final long start = cpu.getCurrentThreadCpuTime();
                    for (int i = 0; i < checks; i++)
                    {
                        kinds[k].run();
                    }
                    final double ms = (cpu.getCurrentThreadCpuTime() - start) / 1e6 / checks;
                    if (round >= 0)
                    {
                        sum[k] += ms;
                        best[k] = Math.min(best[k], ms);
                    }
                }
            }
            for (int k = 0; k < kinds.length; k++)
            {
                System.out.printf("%-52s CPU ms per check: mean %.2f, best round %.2f%n", KINDS[k], sum[k] / rounds,
                    best[k]);
            }
        }
    }

    /** One password check. */
    private interface Check
    {
        void run() throws Throwable;
    }
}
