"""A preemption notice to one trainer of two started by `python -m ears_tf.train.launch`."""
import os
import re
import signal
import subprocess


def sigterm_to_worker_1(command: list, env: dict, at_line: str) -> tuple:
    """Runs the launcher `command`, sends SIGTERM to worker 1 once it prints a line starting with
    `at_line`, and checks that both trainers stopped at one step with status 130; returns
    (the launcher's output lines, that step)."""
    launcher = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    output, pids = [], {}
    for line in launcher.stdout:  # the launcher prefixes every line with its process
        output.append(line)
        if match := re.match(r"\[launch\] worker (\d): pid (\d+)", line):
            pids[int(match[1])] = int(match[2])
        if line.startswith(at_line):
            os.kill(pids[1], signal.SIGTERM)  # to the non-chief only
            break
    output += launcher.stdout.readlines()
    assert launcher.wait(timeout=120) == 130, "".join(output)[-3000:]
    stopped = [re.search(r"stopped at step (\d+)", line) for line in output if "interrupted:" in line]
    assert len(stopped) == 2 and stopped[0][1] == stopped[1][1], output  # both trainers, the same step
    return output, int(stopped[0][1])
