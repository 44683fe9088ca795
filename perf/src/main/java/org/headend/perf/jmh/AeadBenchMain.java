package org.headend.perf.jmh;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Runs {@link AeadBench} and prints its results as one table with GB/s beside records per second, which JMH
 * cannot do itself. Arguments are JMH's own and override the annotations, e.g. {@code -p memory=direct -f 2}.
 */
public final class AeadBenchMain
{
    private static final double GIGA = 1e9;

    private AeadBenchMain()
    {
    }

    /**
     * @param args JMH command-line options.
     * @throws RunnerException if a benchmark fails.
     * @throws CommandLineOptionException if the options do not parse.
     */
    public static void main(final String[] args) throws RunnerException, CommandLineOptionException
    {
        final CommandLineOptions commandLine = new CommandLineOptions(args);
        final Collection<RunResult> results = new Runner(new OptionsBuilder()
            .parent(commandLine)
            .include(AeadBench.class.getName() + ".*")
            .build()).run();

        final List<RunResult> sorted = new ArrayList<>(results);
        sorted.sort(Comparator
            .comparing((final RunResult r) -> r.getParams().getParam("memory"))
            .thenComparing(r -> Integer.parseInt(r.getParams().getParam("size")))
            .thenComparing(r -> r.getParams().getBenchmark())
            .thenComparing(r -> r.getParams().getParam("impl")));

        System.out.println();
        System.out.printf("%-7s %6s %-5s %-8s %14s %7s %8s%n",
            "memory", "bytes", "op", "impl", "records/s", "+-%", "GB/s");
        for (final RunResult result : sorted)
        {
            final Result<?> primary = result.getPrimaryResult();
            final int size = Integer.parseInt(result.getParams().getParam("size"));
            final String benchmark = result.getParams().getBenchmark();
            final double score = primary.getScore();
            final double errorPercent = Double.isNaN(primary.getScoreError()) ?
                Double.NaN : 100.0 * primary.getScoreError() / score;
            System.out.printf("%-7s %6d %-5s %-8s %,14.0f %7.1f %8.2f%n",
                result.getParams().getParam("memory"), size, benchmark.substring(benchmark.lastIndexOf('.') + 1),
                result.getParams().getParam("impl"), score, errorPercent, score * size / GIGA);
        }
    }
}
