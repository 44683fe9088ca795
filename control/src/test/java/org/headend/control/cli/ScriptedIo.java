package org.headend.control.cli;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * The operator's terminal in CLI tests: the lines queued by {@link #type} are what the operator answers to prompts
 * (none left reads as end of input), and what the session writes is kept for the test to read.
 */
final class ScriptedIo implements CliIo
{
    private final Deque<String> input = new ArrayDeque<>();
    private final StringBuilder output = new StringBuilder();

    /** Queues lines the operator will type, in order. */
    void type(final String... lines)
    {
        input.addAll(List.of(lines));
    }

    /** Everything written since the last {@link #clear}. */
    String output()
    {
        return output.toString();
    }

    void clear()
    {
        output.setLength(0);
    }

    @Override
    public void write(final String text)
    {
        output.append(text);
    }

    @Override
    public void flush()
    {
    }

    @Override
    public String readLine()
    {
        return input.poll();
    }
}
