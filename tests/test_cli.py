"""build.py as a user runs it: cheap --help, a clear failure message and a non-zero exit."""

import subprocess
import sys


def test_help_does_not_import_heavy_libraries(root):
    code = (
        "import runpy, sys\n"
        "sys.argv = ['build.py', '--help']\n"
        "try:\n    runpy.run_path('build.py', run_name='__main__')\nexcept SystemExit:\n    pass\n"
        "print('LOADED:' + ','.join(m for m in ('pandas', 'pandera', 'frictionless', 'pyarrow') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=True).stdout
    assert "usage:" in out
    assert out.strip().splitlines()[-1] == "LOADED:"


def test_failed_build_exits_non_zero_and_says_nothing_was_written(root, package_copy):
    seed = package_copy / "seeds" / "003_013686575329e581.txt"
    seed.write_bytes(seed.read_bytes() + b" ")
    result = subprocess.run([sys.executable, str(root / "build.py"), "--root", str(package_copy)], capture_output=True, text=True)
    assert result.returncode == 1
    assert "build failed, nothing written" in result.stderr
    assert "seeds/003_013686575329e581.txt: sha256: seed changed" in result.stderr


def test_check_mode_reports_stale_files(package_copy, root):
    (package_copy / "data" / "claims.csv").write_bytes(b"stale\n")
    result = subprocess.run([sys.executable, str(root / "build.py"), "--root", str(package_copy), "--check"], capture_output=True, text=True)
    assert result.returncode == 1 and "data/claims.csv" in result.stderr
