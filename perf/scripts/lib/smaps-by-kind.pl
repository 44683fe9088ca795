#!/usr/bin/perl
# smaps-by-kind.pl /proc/PID/smaps: a process's PSS by kind of mapping (kB), biggest first. glibc's per-thread malloc
# arenas are the anonymous ranges at a 64 MB boundary followed by their own PROT_NONE rest (OpenSSL and every other
# native malloc that NMT does not see lands there or in [heap]); the Java heap's committed parts are anonymous too.
my (@v, $cur);
while (<>) {
    if (/^([0-9a-f]+)-([0-9a-f]+) (\S+) \S+ \S+ \S+\s*(\S*)/) { $cur = { s => hex($1), e => hex($2), perm => $3, name => $4, pss => 0 }; push @v, $cur }
    elsif (/^Pss:\s+(\d+)/) { $cur->{pss} += $1 }
}
my $arena = 64 << 20;
for my $i (0 .. $#v) {
    my $m = $v[$i]; my $n = $m->{name}; my $kb = ($m->{e} - $m->{s}) >> 10;
    if ($n eq "") {
        my $next = $v[$i + 1];
        if ($m->{s} % $arena == 0 && $m->{perm} =~ /^rw/ && (($next && $next->{name} eq "" && $next->{perm} eq "---p" && $next->{e} == $m->{s} + $arena) || $kb == 65536)) { $n = "glibc malloc per-thread arenas" }
        elsif ($kb >= 65536) { $n = "anon >= 64 MB (Java heap, code cache, metaspace)" }
        else { $n = "anon < 64 MB (thread stacks, direct buffers, JVM mallocs by mmap)" }
    }
    elsif ($n eq "[heap]") { $n = "[heap] (glibc malloc main arena)" }
    elsif ($n =~ /\.so/) { $n = "shared objects" }
    elsif ($n =~ /\.jar|\.jsa|modules$/) { $n = "jars, CDS archive, modules" }
    $p{$n} += $m->{pss}; $t += $m->{pss};
}
printf "%10d  %s\n", $p{$_}, $_ for sort { $p{$b} <=> $p{$a} } keys %p;
printf "%10d  total PSS (kB)\n", $t;
