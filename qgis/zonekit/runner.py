"""Find the zonekit executable and run it: its log and progress forwarded to Processing's feedback."""

import contextlib
import os
import shutil
import subprocess
import threading

from qgis.core import QgsProcessingException

from .words import said

SETTING = "ZONEKIT_EXECUTABLE"
"""The Processing setting (Settings > Options > Processing > Providers > zonekit) and the variable."""
# set by QGIS for its own Python and GDAL: wrong for the zonekit environment's Python and wheels
FOREIGN = (
    "PYTHONPATH",
    "PYTHONHOME",
    "GDAL_DATA",
    "GDAL_DRIVER_PATH",
    "PROJ_LIB",
    "PROJ_DATA",
    "LD_LIBRARY_PATH",
)


def _setting():
    try:
        from processing.core.ProcessingConfig import ProcessingConfig

        return ProcessingConfig.getSetting(SETTING) or ""
    except (ImportError, KeyError, AttributeError):
        return ""


def executable():
    """The zonekit command: the plugin's setting, else ``ZONEKIT_EXECUTABLE``, else ``zonekit`` on PATH."""
    for where, path in (
        (said("插件设置", "the plugin's setting"), _setting()),
        ("ZONEKIT_EXECUTABLE", os.environ.get(SETTING, "")),
    ):
        if path:
            if os.path.isfile(path) and os.access(path, os.X_OK):
                return path
            raise QgsProcessingException(
                _missing(
                    said(
                        f"{where}指向的 {path} 不存在或不可执行。",
                        f"{where} names {path}, which does not exist or cannot be run.",
                    )
                )
            )
    found = shutil.which("zonekit")
    if found:
        return found
    raise QgsProcessingException(
        _missing(
            said(
                "找不到 zonekit 命令(插件设置、ZONEKIT_EXECUTABLE 和 PATH 中都没有)。",
                "The zonekit command was not found (not in the plugin's setting, ZONEKIT_EXECUTABLE or PATH).",
            )
        )
    )


def _missing(problem):
    return (
        problem
        + " "
        + said(
            "请在 zonekit 自己的 Python 环境中安装它(python3 -m venv ~/zonekit && ~/zonekit/bin/pip install zonekit),"
            "然后在“设置 > 选项 > 处理 > 提供程序 > zonekit”中填写 ~/zonekit/bin/zonekit,"
            "或设置环境变量 ZONEKIT_EXECUTABLE。"
            "不要装进 QGIS 自带的 Python:两者的 numpy 版本不同。",
            "Install it in an environment of its own (python3 -m venv ~/zonekit && ~/zonekit/bin/pip install zonekit), "
            "then give ~/zonekit/bin/zonekit in Settings > Options > Processing > Providers > zonekit, or set "
            "ZONEKIT_EXECUTABLE. Not into QGIS's own Python: their numpy versions differ.",
        )
    )


def child_environment():
    """The environment for zonekit: QGIS's Python and GDAL variables removed, progress as lines, UTF-8."""
    env = {k: v for k, v in os.environ.items() if k not in FOREIGN}
    env.update(ZONEKIT_PROGRESS="lines", PYTHONIOENCODING="utf-8", PYTHONUTF8="1")
    return env


def run(args, feedback):
    """Run ``zonekit ARGS``; its lines go to the log, its progress to the bar. Returns what it printed.

    Raises QgsProcessingException with zonekit's own one-paragraph message when it fails.
    """
    command = [executable(), *args]
    feedback.pushCommandInfo(" ".join(_quoted(a) for a in command))
    proc = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        env=child_environment(),
        text=True,
        encoding="utf-8",
        errors="replace",
    )
    errors = []

    def read_errors():
        for line in proc.stderr:
            line = line.rstrip("\n")
            if line.startswith("zonekit-progress "):
                _, pct, *what = line.split(" ", 2)
                feedback.setProgress(float(pct))
                if what:
                    feedback.setProgressText(what[0])
            elif line.strip():
                errors.append(line)

    reader = threading.Thread(target=read_errors, daemon=True)
    reader.start()
    printed = []
    for line in proc.stdout:
        line = line.rstrip("\n")
        printed.append(line)
        feedback.pushConsoleInfo(line)
        if feedback.isCanceled():
            proc.terminate()
    while proc.poll() is None:
        if feedback.isCanceled():
            proc.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=0.2)
    reader.join()
    if feedback.isCanceled():
        raise QgsProcessingException(
            said("已取消;zonekit 没有留下写了一半的输出。", "Cancelled; zonekit left no half-written output.")
        )
    if proc.returncode != 0:
        text = " ".join(" ".join(errors).split())
        raise QgsProcessingException(
            text
            or said(
                f"zonekit 以退出码 {proc.returncode} 结束。",
                f"zonekit ended with exit code {proc.returncode}.",
            )
        )
    for line in errors:  # warnings zonekit said on the way
        feedback.pushWarning(line)
    return "\n".join(printed)


def _quoted(arg):
    return f'"{arg}"' if (" " in arg or not arg) else arg


def help_text(command):
    """``zonekit COMMAND --help`` in QGIS's language (empty when zonekit cannot be found)."""
    try:
        lang = "zh" if said("zh", "en") == "zh" else "en"
        done = subprocess.run(
            [executable(), command, "--help", "--lang", lang],
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            env=child_environment(),
            timeout=30,
            check=False,
        )
        return done.stdout
    except (QgsProcessingException, OSError, subprocess.TimeoutExpired) as err:
        return str(err)
