package dev.fleetpress.localcloud.ssm.run;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Killing a command's whole process tree, so a timed-out or cancelled script leaves nothing running. */
final class ProcessTrees {
    private ProcessTrees() {
    }

    /** Kills {@code process} and its descendants, listed first while they are still its own. */
    static void kill(Process process) {
        List<ProcessHandle> descendants = process.descendants().toList();
        process.destroyForcibly();
        descendants.forEach(ProcessHandle::destroyForcibly);
    }

    /** Kills the tree and waits (bounded) until every process in it has exited. */
    static void killAndWait(Process process) throws InterruptedException {
        List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
        kill(process);
        tree.add(process.toHandle());
        for (ProcessHandle h : tree) {
            try {
                h.onExit().get(10, TimeUnit.SECONDS);
            } catch (ExecutionException | TimeoutException e) {
                // A process that outlives SIGKILL for 10 s is stuck in the kernel; nothing more to do.
            }
        }
    }
}
