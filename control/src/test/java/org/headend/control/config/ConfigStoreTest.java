package org.headend.control.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.headend.control.config.grammar.ErrorKind;
import org.headend.control.config.grammar.Mode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigStoreTest
{
    @TempDir
    Path dir;

    @Test
    void shouldLoadEmbeddedDefaultWhenNoConfigIsGiven()
    {
        final ConfigStore store = ConfigStore.embeddedDefault("demo-pass");
        final HeadendConfig config = store.current();
        assertEquals("headend", config.hostname());
        assertTrue(config.user("demo").orElseThrow().password().matches("demo-pass"));
        assertFalse(store.runningConfig().contains("demo-pass"));
        assertEquals("DEMO-POOL", config.defaultTunnelGroup().addressPools().getFirst());
        final EffectivePolicy policy = config.effectivePolicy(null, "demo");
        assertEquals("DEMO", policy.groupPolicyName());
        assertEquals(Set.of("ssl-client"), policy.get(PolicyAttribute.VPN_TUNNEL_PROTOCOL));
        assertEquals(20, policy.get(PolicyAttribute.SSL_KEEPALIVE));
        assertEquals(30, policy.get(PolicyAttribute.DPD_GATEWAY));
        assertEquals(30, policy.get(PolicyAttribute.DPD_CLIENT));
        assertEquals(1406, policy.get(PolicyAttribute.MTU));
        assertEquals(new WebvpnConfig(Set.of("outside"), 443, true), config.webvpn());
        assertThrows(IllegalArgumentException.class, () -> ConfigStore.embeddedDefault("has space"));
    }

    @Test
    void shouldNameFileLineAndReasonWhenStartupConfigDoesNotLoad() throws IOException
    {
        final Path file = dir.resolve("startup-config");
        Files.writeString(file, "hostname a\n!\ngroup-policy G internal\ngroup-policy G attributes\n webvpn\n"
            + "  anyconnect mtu 99\n");
        final ConfigException error = assertThrows(ConfigException.class, () -> ConfigStore.load(file));
        assertEquals(file + ":6: 99 is out of range 576-1406", error.getMessage());
        assertEquals(dir.resolve("none") + ":0: cannot read the file: no such file",
            assertThrows(ConfigException.class, () -> ConfigStore.load(dir.resolve("none"))).getMessage());
    }

    @Test
    void shouldKeepRunningConfigWhenMultiLineLoadFailsLate() throws ConfigException
    {
        final ConfigStore store = ConfigStore.embeddedDefault("demo-pass");
        final List<HeadendConfig> seen = new ArrayList<>();
        store.addListener(seen::add);
        final HeadendConfig before = store.current();
        final String running = store.runningConfig();
        final ConfigException error = assertThrows(ConfigException.class, () -> store.replace("""
            hostname other
            ip local pool P 10.9.0.1-10.9.0.9 mask 255.255.255.0
            username bob password x
            tunnel-group DefaultWEBVPNGroup general-attributes
             address-pool P MISSING
            """, "reload.cfg"));
        assertEquals("reload.cfg:5: ip local pool MISSING does not exist", error.getMessage());
        assertSame(before, store.current());
        assertEquals(running, store.runningConfig());
        assertTrue(seen.isEmpty());
        store.replace("hostname other\n", "reload.cfg");
        assertEquals("other", store.current().hostname());
        assertEquals(1, seen.size());
    }

    @Test
    void shouldChangeNothingAndNotifyNobodyWhenCliLineIsRefused() throws ConfigException
    {
        final ConfigStore store = ConfigStore.embeddedDefault("demo-pass");
        final List<HeadendConfig> seen = new ArrayList<>();
        store.addListener(seen::add);
        final HeadendConfig before = store.current();
        final ConfigException inUse = assertThrows(ConfigException.class,
            () -> store.apply(ConfigCursor.TOP, "no group-policy DEMO", "console", 1));
        assertEquals(ErrorKind.REJECTED, inUse.kind());
        assertEquals("group-policy DEMO is in use by tunnel-group DefaultWEBVPNGroup general-attributes "
            + "(default-group-policy DEMO)", inUse.reason());
        assertThrows(ConfigException.class,
            () -> store.apply(ConfigCursor.TOP, "group-policy NOPE attributes", "console", 2));
        assertSame(before, store.current());
        assertTrue(seen.isEmpty());
        final ConfigCursor cursor = store.apply(ConfigCursor.TOP, "group-policy DEMO attributes", "console", 3);
        assertEquals(Mode.GROUP_POLICY, cursor.mode());
        assertSame(before, store.current());
        assertEquals(Mode.GROUP_WEBVPN, store.apply(cursor, "webvpn", "console", 4).mode());
        final ConfigCursor after = store.apply(store.apply(cursor, "webvpn", "console", 5), "anyconnect mtu 1300",
            "console", 6);
        assertEquals(Mode.GROUP_WEBVPN, after.mode());
        assertEquals(1, seen.size());
        assertEquals(1300, seen.getFirst().effectivePolicy(null, "demo").get(PolicyAttribute.MTU));
    }

    @Test
    void shouldRefuseChangeWhenAVetoGivesAReason() throws ConfigException
    {
        final ConfigStore store = ConfigStore.embeddedDefault("demo-pass");
        store.addVeto(candidate -> candidate.pool("DEMO-POOL").isEmpty() && store.current().pool("DEMO-POOL")
            .isPresent() ? "pool DEMO-POOL has active leases" : null);
        final ConfigCursor cursor = store.apply(ConfigCursor.TOP, "tunnel-group DefaultWEBVPNGroup general-attributes",
            "console", 1);
        store.apply(cursor, "no address-pool", "console", 2);
        final ConfigException error = assertThrows(ConfigException.class,
            () -> store.apply(ConfigCursor.TOP, "no ip local pool DEMO-POOL", "console", 3));
        assertEquals("console:3: pool DEMO-POOL has active leases", error.getMessage());
        assertTrue(store.current().pool("DEMO-POOL").isPresent());
        assertThrows(ConfigException.class, () -> store.replace("hostname x\n", "reload"));
        assertEquals("headend", store.current().hostname());
    }

    @Test
    void shouldApplyEveryChangeWhenSessionsEditConcurrently() throws Exception
    {
        final ConfigStore store = ConfigStore.embeddedDefault("demo-pass");
        final List<Throwable> failures = new CopyOnWriteArrayList<>();
        final List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++)
        {
            final int id = t;
            threads.add(Thread.ofPlatform().start(() ->
            {
                try
                {
                    for (int i = 0; i < 10; i++)
                    {
                        store.apply(ConfigCursor.TOP, "ip local pool P" + id + "-" + i + " 10." + id + "." + i
                            + ".1-10." + id + "." + i + ".9 mask 255.255.255.0", "t" + id, i);
                    }
                }
                catch (final ConfigException ex)
                {
                    failures.add(ex);
                }
            }));
        }
        for (final Thread thread : threads)
        {
            thread.join();
        }
        assertTrue(failures.isEmpty(), failures.toString());
        assertEquals(41, store.current().pools().size());
    }

    @Test
    void shouldWriteMemoryAtomicallyAndKeepThePreviousFile() throws Exception
    {
        final Path file = dir.resolve("startup-config");
        Files.writeString(file, "hostname first\n");
        final ConfigStore store = ConfigStore.load(file);
        store.apply(ConfigCursor.TOP, "hostname second", "console", 1);
        final String written = store.writeMemory();
        assertEquals(written, Files.readString(file));
        assertEquals("hostname first\n", Files.readString(dir.resolve("startup-config.prev")));
        assertEquals(written, store.startupConfigText());
        assertEquals("second", ConfigStore.load(file).current().hostname());
        try (var listing = Files.list(dir))
        {
            assertEquals(Set.of("startup-config", "startup-config.prev"),
                Set.copyOf(listing.map(p -> p.getFileName().toString()).toList()));
        }
    }

    @Test
    void shouldLeaveOldFileIntactWhenWriteFailsBeforeRename() throws Exception
    {
        final Path file = dir.resolve("startup-config");
        Files.writeString(file, "hostname first\n");
        final ConfigTree tree = ConfigLoader.load("hostname second\n", "x");
        final AtomicFile.Renamer failing = (from, to) ->
        {
            if (to.equals(file.toAbsolutePath()))
            {
                throw new IOException("simulated crash before rename");
            }
            AtomicFile.ATOMIC_RENAME.rename(from, to);
        };
        final ConfigStore store = new ConfigStore(tree, ConfigCompiler.compile(tree), file, null, failing);
        assertThrows(IOException.class, store::writeMemory);
        assertEquals("hostname first\n", Files.readString(file));
        try (var listing = Files.list(dir))
        {
            assertTrue(listing.noneMatch(p -> p.getFileName().toString().endsWith(".tmp")));
        }
    }

    @Test
    void shouldRefuseWriteMemoryWhenRunningOnEmbeddedDefaultWithoutFile() throws IOException
    {
        final ConfigStore store = ConfigStore.embeddedDefault("demo-pass");
        assertThrows(IOException.class, store::writeMemory);
        assertTrue(store.startupConfigText().contains("username demo password $sha512$"));
        final Path target = dir.resolve("saved");
        final ConfigStore saving = ConfigStore.embeddedDefault("demo-pass", target);
        saving.writeMemory();
        assertEquals(saving.runningConfig(), Files.readString(target));
    }
}
