package org.headend.control.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.headend.control.config.grammar.Arguments;
import org.headend.control.config.grammar.ErrorKind;

/**
 * The running configuration as an ordered tree of normalized lines. Mutable, owned by one thread at a time: the
 * store edits a copy and swaps it in only when the copy compiles.
 */
final class ConfigTree
{
    private final List<ConfigNode> roots;

    ConfigTree()
    {
        this(new ArrayList<>());
    }

    private ConfigTree(final List<ConfigNode> roots)
    {
        this.roots = roots;
    }

    ConfigTree copy()
    {
        final List<ConfigNode> copied = new ArrayList<>(roots.size());
        for (final ConfigNode node : roots)
        {
            copied.add(node.deepCopy());
        }
        return new ConfigTree(copied);
    }

    List<ConfigNode> roots()
    {
        return roots;
    }

    /**
     * What applying a line did.
     *
     * @param cursor  where the session stands afterwards
     * @param changed whether the tree changed (re-entering a sub-mode does not)
     * @param entered the sub-mode line entered, or null
     */
    record Applied(ConfigCursor cursor, boolean changed, ConfigNode entered)
    {
    }

    /**
     * Applies a set or {@code no} line at the cursor. Semantic checks that need the whole tree are left to the
     * compiler; only what a removal would orphan is checked here, to refuse it with the reason.
     */
    Applied apply(final ConfigCursor cursor, final ParsedLine parsed, final String source, final int line)
        throws ConfigException
    {
        final ConfigCursor at = cursor.truncate(parsed.depth());
        final List<ConfigNode> level = level(at, source, line);
        return switch (parsed.line())
        {
            case ConfigLine.Put put -> put(at, level, put.command(), parsed.arguments(), source, line);
            case ConfigLine.Remove remove -> remove(at, level, remove.command().canonical(), parsed.arguments(),
                source, line);
            default -> throw new IllegalArgumentException("exit and end move the cursor; they do not edit");
        };
    }

    private Applied put(final ConfigCursor at, final List<ConfigNode> level, final ConfigCommand declared,
        final Arguments declaredArgs, final String source, final int line)
    {
        final ConfigCommand command = declared.canonical();
        final Arguments args = declared.canonicalArguments(declaredArgs);
        if (command.isImplicit(args))
        {
            return new Applied(at, false, null);
        }
        final String key = command.key(args);
        for (int i = 0; i < level.size(); i++)
        {
            final ConfigNode existing = level.get(i);
            if (existing.key.equals(key))
            {
                if (command.submode() != null)
                {
                    return new Applied(at.enter(key, command.submode()), false, existing);
                }
                final boolean same = existing.command == command && existing.args.equals(args);
                level.set(i, new ConfigNode(command, args, source, line, new ArrayList<>()));
                return new Applied(at, !same, null);
            }
        }
        final ConfigNode node = new ConfigNode(command, args, source, line, new ArrayList<>());
        level.add(insertionIndex(level, node), node);
        return command.submode() == null ? new Applied(at, true, null)
            : new Applied(at.enter(key, command.submode()), true, node);
    }

    /**
     * Lines print grouped by section ({@code order}); one object's lines stay together in {@code subOrder}
     * (definition before attributes); numbered entries go among their kind by number; otherwise a new line goes last
     * in its section, keeping the operator's order.
     */
    private static int insertionIndex(final List<ConfigNode> level, final ConfigNode node)
    {
        final Integer number = node.command.number(node.args);
        if (number != null)
        {
            int afterLast = -1;
            for (int i = 0; i < level.size(); i++)
            {
                final ConfigNode other = level.get(i);
                if (other.command == node.command)
                {
                    if (node.command.number(other.args) > number)
                    {
                        return i;
                    }
                    afterLast = i + 1;
                }
            }
            if (afterLast >= 0)
            {
                return afterLast;
            }
        }
        final int order = node.command.order();
        int lastOfEntity = -1;
        for (int i = 0; i < level.size(); i++)
        {
            final ConfigNode other = level.get(i);
            if (other.command.order() == order && other.entity.equals(node.entity))
            {
                if (other.command.subOrder() > node.command.subOrder())
                {
                    return i;
                }
                lastOfEntity = i;
            }
        }
        if (lastOfEntity >= 0)
        {
            return lastOfEntity + 1;
        }
        int index = 0;
        while (index < level.size() && level.get(index).command.order() <= order)
        {
            index++;
        }
        return index;
    }

    private Applied remove(final ConfigCursor at, final List<ConfigNode> level, final ConfigCommand command,
        final Arguments args, final String source, final int line) throws ConfigException
    {
        final boolean byKey = command.removesByKey(args);
        final String target = byKey ? command.key(args) : command.entity(args);
        final List<ConfigNode> removed = new ArrayList<>();
        level.removeIf(node ->
        {
            final boolean hit = byKey ? node.key.equals(target) : node.entity.equals(target);
            if (hit)
            {
                removed.add(node);
            }
            return hit;
        });
        final String name = command.definedName(args);
        if (removed.isEmpty() && name != null && !command.defines().builtIn().contains(name))
        {
            throw new ConfigException(source, line, -1, ErrorKind.REJECTED,
                command.defines().noun() + " " + name + " does not exist");
        }
        for (final ConfigNode node : removed)
        {
            final String defined = node.command.definedName(node.args);
            if (defined != null && !node.command.defines().builtIn().contains(defined))
            {
                final String user = findUser(node.command.defines(), defined);
                if (user != null)
                {
                    throw new ConfigException(source, line, -1, ErrorKind.REJECTED,
                        node.command.defines().noun() + " " + defined + " is in use by " + user);
                }
            }
        }
        return new Applied(at, !removed.isEmpty(), null);
    }

    /** Describes the first line that still refers to {@code name}, or null when none does. */
    private String findUser(final RefKind kind, final String name)
    {
        return findUser(roots, null, kind, name);
    }

    private static String findUser(final List<ConfigNode> nodes, final ConfigNode parent, final RefKind kind,
        final String name)
    {
        for (final ConfigNode node : nodes)
        {
            for (final Map.Entry<String, RefKind> ref : node.command.references())
            {
                if (ref.getValue() == kind && node.args.all(ref.getKey()).contains(name))
                {
                    return parent == null ? node.render() : parent.render() + " (" + node.render() + ")";
                }
            }
            final String inChildren = findUser(node.children, node, kind, name);
            if (inChildren != null)
            {
                return inChildren;
            }
        }
        return null;
    }

    private List<ConfigNode> level(final ConfigCursor cursor, final String source, final int line)
        throws ConfigException
    {
        List<ConfigNode> level = roots;
        for (final ConfigCursor.Frame frame : cursor.path())
        {
            final ConfigNode node = level.stream().filter(n -> n.key.equals(frame.key())).findFirst().orElse(null);
            if (node == null)
            {
                throw new ConfigException(source, line, -1, ErrorKind.REJECTED,
                    "'" + frame.key() + "' no longer exists (removed by another session); exit and enter it again");
            }
            level = node.children;
        }
        return level;
    }

    /**
     * Prints the tree as {@code show running-config} does: one space of indentation per sub-mode, {@code !} after
     * each interface block and between sections.
     *
     * @param section when not empty, only global lines whose keywords start with these words, without separators
     */
    String render(final List<String> section)
    {
        final StringBuilder out = new StringBuilder();
        final boolean separate = section.isEmpty();
        int lastOrder = -1;
        boolean separated = true;
        for (final ConfigNode node : roots)
        {
            if (!node.printable() || !inSection(node, section))
            {
                continue;
            }
            final int order = node.command.order();
            if (separate && !separated && order != lastOrder)
            {
                out.append("!\n");
            }
            renderNode(node, 0, out);
            separated = separate && node.command.printWhenEmpty();
            if (separated)
            {
                out.append("!\n");
            }
            lastOrder = order;
        }
        return out.toString();
    }

    private static boolean inSection(final ConfigNode node, final List<String> section)
    {
        if (section.isEmpty())
        {
            return true;
        }
        final String[] words = node.render().split(" ");
        if (words.length < section.size())
        {
            return false;
        }
        for (int i = 0; i < section.size(); i++)
        {
            if (!words[i].equals(section.get(i)))
            {
                return false;
            }
        }
        return true;
    }

    private static void renderNode(final ConfigNode node, final int depth, final StringBuilder out)
    {
        out.append(" ".repeat(depth)).append(node.render()).append('\n');
        for (final ConfigNode child : node.children)
        {
            if (child.printable())
            {
                renderNode(child, depth + 1, out);
            }
        }
    }
}
