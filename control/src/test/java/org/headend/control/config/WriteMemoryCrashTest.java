package org.headend.control.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kill -9} while {@code write memory} runs, again and again (issue 4, item 3): a JVM saves the configuration in
 * a loop and is killed at a random moment; afterwards the startup-config (and the kept previous one) is always one of
 * the two complete versions and loads.
 */
class WriteMemoryCrashTest
{
    private static final String A = ": Saved\n:\nhostname a\n: end\n";
    private static final String B = ": Saved\n:\nhostname b\n: end\n";
    private static final int KILLS = Integer.getInteger("writememory.kills", 200);

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void shouldLeaveTheOldOrTheNewStartupConfigWhenKilledDuringWriteMemory() throws Exception
    {
        final Path file = dir.resolve("startup-config");
        Files.writeString(file, A);
        final String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        final List<String> argv = List.of(java, "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
            "-Xmx64m", "-cp", System.getProperty("java.class.path"), WriteMemoryLoop.class.getName(), file.toString());
        int killedMidWrite = 0;
        final long started = System.nanoTime();
        for (int i = 0; i < KILLS; i++)
        {
            final Process child = new ProcessBuilder(argv).redirectErrorStream(true).start();
            final BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                StandardCharsets.UTF_8));
            final String ready = out.readLine();
            assertEquals("READY", ready, "the child did not start");
            Thread.sleep(ThreadLocalRandom.current().nextInt(0, 15));
            child.destroyForcibly();
            assertTrue(child.waitFor(10, TimeUnit.SECONDS));
            final String text = Files.readString(file, StandardCharsets.UTF_8);
            assertTrue(Set.of(A, B).contains(text), "torn startup-config after kill " + i + ": [" + text + "]");
            final Path previous = dir.resolve("startup-config.prev");
            if (Files.exists(previous))
            {
                assertTrue(Set.of(A, B).contains(Files.readString(previous)), "torn startup-config.prev");
            }
            try (var leftovers = Files.list(dir))
            {
                killedMidWrite += leftovers.anyMatch(p -> p.getFileName().toString().endsWith(".tmp")) ? 1 : 0;
            }
            ConfigStore.load(file);
            try (var leftovers = Files.list(dir))
            {
                assertEquals(0, leftovers.filter(p -> p.getFileName().toString().endsWith(".tmp")).count(),
                    "the load removes what a killed write left");
            }
        }
        System.out.printf("write memory killed %d times in %.1f s; %d of the kills landed mid-write%n",
            KILLS, (System.nanoTime() - started) / 1e9, killedMidWrite);
    }
}
