package org.headend.control.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Function;
import org.headend.control.config.grammar.ArgTypes;
import org.headend.control.config.grammar.ErrorKind;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running configuration: the command tree and the snapshot compiled from it, plus the startup-config file.
 * <p>
 * Every change (one CLI line or a whole file) is applied to a copy of the tree, compiled and validated, and only
 * then swapped in; if anything fails, nothing changes. Changes are serialized by one lock, so several CLI sessions
 * may edit at once. Readers call {@link #current()} from any thread without locking.
 */
public final class ConfigStore
{
    /** The resource holding the embedded default configuration, next to this class. */
    public static final String DEFAULT_CONFIG_RESOURCE = "default-startup-config";
    private static final String DEMO_PASSWORD_PLACEHOLDER = "@DEMO_PASSWORD@";
    /** No sane startup-config comes near this; refusing bigger files bounds the memory a bad file can take. */
    private static final long MAX_FILE_BYTES = 4L << 20;
    private static final Logger LOG = LoggerFactory.getLogger(ConfigStore.class);

    private record State(ConfigTree tree, HeadendConfig snapshot)
    {
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final List<Consumer<HeadendConfig>> listeners = new CopyOnWriteArrayList<>();
    private final List<Function<HeadendConfig, String>> vetoes = new CopyOnWriteArrayList<>();
    private final List<Function<HeadendConfig, String>> finalVetoes = new CopyOnWriteArrayList<>();
    private final Path startupConfig;
    private final String builtInStartupText;
    private final AtomicFile.Renamer renamer;
    private volatile State state;

    ConfigStore(final ConfigTree tree, final HeadendConfig snapshot, final Path startupConfig,
        final String builtInStartupText, final AtomicFile.Renamer renamer)
    {
        this.state = new State(tree, snapshot);
        this.startupConfig = startupConfig;
        this.builtInStartupText = builtInStartupText;
        this.renamer = renamer;
    }

    /**
     * Loads a startup-config. {@code write memory} replaces this same file.
     *
     * @throws ConfigException naming the file, line and reason when it cannot be read or does not load
     */
    public static ConfigStore load(final Path startupConfig) throws ConfigException
    {
        final String source = startupConfig.toString();
        final byte[] bytes;
        try
        {
            if (Files.size(startupConfig) > MAX_FILE_BYTES)
            {
                throw new ConfigException(source, 0, -1, ErrorKind.REJECTED, "larger than " + MAX_FILE_BYTES
                    + " bytes");
            }
            bytes = Files.readAllBytes(startupConfig);
        }
        catch (final IOException ex)
        {
            final String why = ex instanceof NoSuchFileException ? "no such file"
                : ex instanceof AccessDeniedException ? "permission denied" : ex.toString();
            throw new ConfigException(source, 0, -1, ErrorKind.REJECTED, "cannot read the file: " + why);
        }
        final ConfigTree tree = ConfigLoader.load(bytes, source);
        final ConfigStore store = new ConfigStore(tree, ConfigCompiler.compile(tree), startupConfig, null,
            AtomicFile.ATOMIC_RENAME);
        AtomicFile.removeStaleTemporaries(startupConfig);
        return store;
    }

    /**
     * The embedded default configuration with one demo user; {@code write memory} is refused (there is no file).
     *
     * @param demoPassword the clear-text password of user {@code demo}, stored hashed
     */
    public static ConfigStore embeddedDefault(final String demoPassword)
    {
        return embeddedDefault(demoPassword, null);
    }

    /**
     * The embedded default configuration; {@code write memory} creates {@code saveTo} (may be null: refused).
     *
     * @param demoPassword the clear-text password of user {@code demo}: 1–127 printable characters, no blanks
     */
    public static ConfigStore embeddedDefault(final String demoPassword, final Path saveTo)
    {
        ArgTypes.SECRET.parse(demoPassword);
        final String template;
        try (InputStream in = ConfigStore.class.getResourceAsStream(DEFAULT_CONFIG_RESOURCE))
        {
            if (in == null)
            {
                throw new IllegalStateException("resource " + DEFAULT_CONFIG_RESOURCE + " is missing");
            }
            template = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException("cannot read resource " + DEFAULT_CONFIG_RESOURCE, ex);
        }
        try
        {
            final ConfigTree tree = ConfigLoader.load(template.replace(DEMO_PASSWORD_PLACEHOLDER, demoPassword),
                "embedded:" + DEFAULT_CONFIG_RESOURCE);
            final HeadendConfig snapshot = ConfigCompiler.compile(tree);
            return new ConfigStore(tree, snapshot, saveTo, render(tree), AtomicFile.ATOMIC_RENAME);
        }
        catch (final ConfigException ex)
        {
            throw new IllegalStateException("the embedded default configuration does not load: " + ex.getMessage(),
                ex);
        }
    }

    /** The snapshot now in force. */
    public HeadendConfig current()
    {
        return state.snapshot();
    }

    /** {@code show running-config}: the whole configuration as it would be saved. */
    public String runningConfig()
    {
        return render(state.tree());
    }

    /** {@code show running-config WORDS…}: the global lines starting with {@code section}, with their sub-lines. */
    public String runningConfig(final List<String> section)
    {
        return section.isEmpty() ? runningConfig() : state.tree().render(section);
    }

    /** {@code show startup-config}: the saved file, or the embedded default when there is none yet. */
    public String startupConfigText() throws IOException
    {
        if (startupConfig != null && Files.exists(startupConfig))
        {
            return Files.readString(startupConfig, StandardCharsets.UTF_8);
        }
        if (builtInStartupText != null)
        {
            return builtInStartupText;
        }
        throw new IOException("startup-config " + startupConfig + " does not exist");
    }

    /** The file {@code write memory} replaces, or null when running on the embedded default without one. */
    public Path startupConfigPath()
    {
        return startupConfig;
    }

    /**
     * Registers a listener called with each new snapshot after it is committed, in commit order, on the thread
     * that made the change (while changes are still serialized, so it must not block for long).
     */
    public void addListener(final Consumer<HeadendConfig> listener)
    {
        listeners.add(listener);
    }

    /**
     * Registers a check run on every candidate snapshot before it is committed, while {@link #current()} still
     * returns the old one: a non-null result is the reason the change is refused. This is where what the
     * configuration alone cannot know is enforced, such as not removing a pool that still has leases
     * (bad-inputs #45). Runs with changes serialized, so it must be quick.
     */
    public void addVeto(final Function<HeadendConfig, String> veto)
    {
        vetoes.add(veto);
    }

    /**
     * As {@link #addVeto}, run after every other veto, whenever registered: for a check that acts on what it allows
     * (opening the listeners a change asks for), so that no other veto refuses a change it already acted on.
     */
    public void addFinalVeto(final Function<HeadendConfig, String> veto)
    {
        finalVetoes.add(veto);
    }

    /**
     * {@code write memory}: saves the running configuration over the startup-config atomically, keeping the
     * previous file as {@code NAME.prev}.
     *
     * @return the text written
     * @throws IOException when there is no startup-config file or it cannot be written; the old file is intact
     */
    public String writeMemory() throws IOException
    {
        if (startupConfig == null)
        {
            throw new IOException("no startup-config file: the appliance runs on the embedded default "
                + "(start it with --config FILE)");
        }
        lock.lock();
        try
        {
            final String text = runningConfig();
            AtomicFile.write(startupConfig, text.getBytes(StandardCharsets.UTF_8), renamer);
            return text;
        }
        finally
        {
            lock.unlock();
        }
    }

    /**
     * Applies one parsed configuration line at {@code cursor} (see {@link ConfigLanguage#parse}).
     *
     * @return where the session stands afterwards (a sub-mode line enters its mode)
     * @throws ConfigException when the line is refused; nothing changed
     */
    public ConfigCursor apply(final ConfigCursor cursor, final ParsedLine parsed, final String source, final int line)
        throws ConfigException
    {
        lock.lock();
        try
        {
            final ConfigTree copy = state.tree().copy();
            final ConfigTree.Applied applied = copy.apply(cursor, parsed, source, line);
            if (applied.changed())
            {
                commit(copy, vetted(ConfigCompiler.compile(copy), source, line));
            }
            return applied.cursor();
        }
        finally
        {
            lock.unlock();
        }
    }

    /** {@link #apply(ConfigCursor, String, boolean, String, int)} of a line typed by hand (not indented text). */
    public ConfigCursor apply(final ConfigCursor cursor, final String line, final String source, final int number)
        throws ConfigException
    {
        return apply(cursor, line, false, source, number);
    }

    /**
     * Parses and applies one configuration line as the loader reads it ({@link ConfigLoader#read}); {@code exit}
     * and {@code end} only move the cursor (global configuration stays where it is), blank lines and comments do
     * nothing.
     *
     * @param indented whether the line comes from indented text (pasted {@code show running-config} output), where
     *                 its indentation tells the block it belongs to
     */
    public ConfigCursor apply(final ConfigCursor cursor, final String line, final boolean indented,
        final String source, final int number) throws ConfigException
    {
        lock.lock();
        try
        {
            final ConfigTree copy = state.tree().copy();
            final ConfigTree.Applied applied = ConfigLoader.read(copy, cursor, line, indented, source, number);
            if (applied.changed())
            {
                commit(copy, vetted(ConfigCompiler.compile(copy), source, number));
            }
            return applied.cursor();
        }
        finally
        {
            lock.unlock();
        }
    }

    /**
     * Replaces the whole running configuration with {@code text} (ASA syntax), all or nothing.
     *
     * @throws ConfigException naming {@code source}, the line and the reason; the running configuration is kept
     */
    public void replace(final String text, final String source) throws ConfigException
    {
        final ConfigTree tree = ConfigLoader.load(text, source);
        final HeadendConfig snapshot = ConfigCompiler.compile(tree);
        lock.lock();
        try
        {
            commit(tree, vetted(snapshot, source, 0));
        }
        finally
        {
            lock.unlock();
        }
    }

    /**
     * {@code copy disk0:/FILE running-config}: applies the file's lines on top of the running configuration (as the
     * ASA merges), all or nothing: a bad line, a failed check or a veto leaves the running configuration as it was
     * (bad-inputs #48).
     *
     * @param bytes  the file, strict UTF-8
     * @param source the name errors give, e.g. {@code disk0:/change.cfg}
     * @throws ConfigException naming the line and the reason
     */
    public void merge(final byte[] bytes, final String source) throws ConfigException
    {
        if (bytes.length > MAX_FILE_BYTES)
        {
            throw new ConfigException(source, 0, -1, ErrorKind.REJECTED, "larger than " + MAX_FILE_BYTES + " bytes");
        }
        lock.lock();
        try
        {
            final ConfigTree copy = state.tree().copy();
            ConfigLoader.loadInto(copy, bytes, source);
            commit(copy, vetted(ConfigCompiler.compile(copy), source, 0));
        }
        finally
        {
            lock.unlock();
        }
    }

    private HeadendConfig vetted(final HeadendConfig candidate, final String source, final int line)
        throws ConfigException
    {
        for (final List<Function<HeadendConfig, String>> checks : List.of(vetoes, finalVetoes))
        {
            for (final Function<HeadendConfig, String> veto : checks)
            {
                final String reason = veto.apply(candidate);
                if (reason != null)
                {
                    throw new ConfigException(source, line, -1, ErrorKind.REJECTED, reason);
                }
            }
        }
        return candidate;
    }

    private void commit(final ConfigTree tree, final HeadendConfig snapshot)
    {
        state = new State(tree, snapshot);
        for (final Consumer<HeadendConfig> listener : listeners)
        {
            try
            {
                listener.accept(snapshot);
            }
            catch (final RuntimeException ex)
            {
                LOG.warn("configuration listener failed; the change is committed", ex);
            }
        }
    }

    private static String render(final ConfigTree tree)
    {
        return ConfigLoader.HEADER + "\n:\n" + tree.render(List.of()) + ConfigLoader.TRAILER + "\n";
    }
}
