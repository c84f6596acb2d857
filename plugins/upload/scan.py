"""Walk folders (and take files): the files to upload, what was left aside and why, and duplicate names."""

from __future__ import annotations

import errno
import os
import stat
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Union

from arcsecond_core.errors import UsageError
from arcsecond_core.transfer.filters import PathFilter

RENAME_SEPARATOR = "__"


@dataclass(frozen=True)
class LocalFile:
    """A regular file found under the folder, with the name it will have on the server."""

    path: Path
    relative: str
    size: int
    mtime_ns: int
    remote_name: str

    @property
    def local_name(self) -> str:
        return PurePosixPath(self.relative).name


@dataclass(frozen=True)
class Problem:
    """A path that is not uploaded: ``kind`` is ignored (harmless) or failed (data left behind)."""

    relative: str
    reason: str
    kind: str = "ignored"


@dataclass
class ScanResult:
    """The outcome of a walk: files in a stable order, problems, hidden paths skipped."""

    roots: list[Path] = field(default_factory=list)
    files: list[LocalFile] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    hidden: int = 0
    #: Files the --exclude/--include rules left aside, by rule.
    excluded: Counter[str] = field(default_factory=Counter)

    @property
    def root(self) -> Path:
        """The first path given (the folder, for a one-folder upload)."""
        return self.roots[0]

    @property
    def total_bytes(self) -> int:
        return sum(f.size for f in self.files)


def is_hidden(relative: str) -> bool:
    """True when any part of the relative path starts with a dot."""
    return any(part.startswith(".") for part in PurePosixPath(relative).parts)


PathArgument = Union[str, "os.PathLike[str]"]


def as_paths(paths: PathArgument | Sequence[PathArgument]) -> list[Path]:
    """One path or several, as a list; UsageError for none or an empty one."""
    items = [paths] if isinstance(paths, (str, os.PathLike)) else list(paths)
    if not items:
        raise UsageError("give at least one file or folder to upload")
    if any(not os.fspath(item).strip() for item in items):
        raise UsageError("a path to upload may not be empty")
    return [Path(item).expanduser() for item in items]


def scan(paths: PathArgument | Sequence[PathArgument],
         rules: PathFilter | None = None) -> ScanResult:
    """Every non-hidden regular file under the folders given, and the files given, by relative
    path: inside the folder for one folder, else below each path's own name; symlinks followed,
    loops detected. A file keeps its base name. ``rules`` (--exclude, --include) are matched
    against the path inside the folder given (a file given alone: its name)."""
    bases = as_paths(paths)
    rules = rules or PathFilter()
    result = ScanResult(roots=[base.resolve() for base in bases])
    tops: dict[str, Path] = {}
    for base in bases:
        try:
            info = base.stat()
        except OSError as exc:
            raise UsageError(f"cannot read {str(base)!r}: {exc.strerror or exc}") from exc
        name = base.resolve().name
        if stat.S_ISDIR(info.st_mode):
            prefix = "" if len(bases) == 1 else f"{name}/"
        elif stat.S_ISREG(info.st_mode):
            prefix = None
        else:
            raise UsageError(f"{str(base)!r} is neither a file nor a folder")
        if len(bases) > 1 and name in tops:
            raise UsageError(f"{str(tops[name])!r} and {str(base)!r} have the same name; "
                             "upload them one at a time or into different datasets")
        tops[name] = base
        if prefix is None:
            if _kept(result, rules, name):
                _add_file(result, base, name, info)
        else:
            _walk(result, base, prefix, info, rules)
    result.files.sort(key=lambda f: f.relative)
    result.problems.sort(key=lambda p: p.relative)
    return result


@dataclass(frozen=True)
class _Folder:
    """A folder still to read, with the chain of folders above it (to detect symlink loops)."""

    path: Path
    prefix: str
    identity: tuple[int, int]
    parent: _Folder | None

    def has_ancestor(self, identity: tuple[int, int]) -> bool:
        folder: _Folder | None = self
        while folder is not None:
            if folder.identity == identity:
                return True
            folder = folder.parent
        return False


def _kept(result: ScanResult, rules: PathFilter, inside: str) -> bool:
    """True when the rules let the file go; else the rule that left it aside is counted."""
    rule = rules.rule_against(inside)
    if rule is None:
        return True
    result.excluded[rule] += 1
    return False


def _walk(result: ScanResult, base: Path, prefix: str, info: os.stat_result,
          rules: PathFilter) -> None:
    """Depth-first, with a stack of its own: any depth of folders, no recursion."""
    stack = [_Folder(base, prefix, (info.st_dev, info.st_ino), None)]
    while stack:
        folder = stack.pop()
        try:
            with os.scandir(folder.path) as listing:
                entries = sorted(listing, key=lambda e: e.name)
        except OSError as exc:
            result.problems.append(Problem(folder.prefix.rstrip("/") or ".",
                                           f"folder not readable ({exc.strerror or exc})",
                                           "failed"))
            continue
        subfolders = []
        for entry in entries:
            relative = f"{folder.prefix}{entry.name}"
            if entry.name.startswith("."):
                result.hidden += 1
                continue
            try:
                entry_info = entry.stat(follow_symlinks=True)
            except OSError as exc:
                result.problems.append(_stat_problem(relative, entry, exc))
                continue
            if stat.S_ISDIR(entry_info.st_mode):
                identity = (entry_info.st_dev, entry_info.st_ino)
                if folder.has_ancestor(identity):
                    result.problems.append(Problem(relative, "symlink loop"))
                    continue
                subfolders.append(_Folder(Path(entry.path), f"{relative}/", identity, folder))
            elif stat.S_ISREG(entry_info.st_mode):
                if _kept(result, rules, relative[len(prefix):]):
                    _add_file(result, Path(entry.path), relative, entry_info)
            else:
                result.problems.append(Problem(relative, "not a regular file"))
        stack.extend(reversed(subfolders))


def _stat_problem(relative: str, entry: os.DirEntry[str], exc: OSError) -> Problem:
    if exc.errno == errno.ELOOP:
        return Problem(relative, "symlink loop")
    if exc.errno == errno.ENOENT and entry.is_symlink():
        return Problem(relative, "broken symlink")
    return Problem(relative, f"cannot read ({exc.strerror or exc})", "failed")


def _add_file(result: ScanResult, path: Path, relative: str, info: os.stat_result) -> None:
    if info.st_size == 0:
        result.problems.append(Problem(relative, "empty file"))
        return
    if not os.access(path, os.R_OK):
        result.problems.append(Problem(relative, "cannot read (permission denied)", "failed"))
        return
    name = PurePosixPath(relative).name
    result.files.append(LocalFile(path, relative, info.st_size, info.st_mtime_ns, name))


def renamed(relative: str) -> str:
    """``sub/dir/name.fits`` as ``sub__dir__name.fits``: unique names for duplicates."""
    return RENAME_SEPARATOR.join(PurePosixPath(relative).parts)


def duplicate_groups(files: Iterable[LocalFile]) -> dict[str, list[LocalFile]]:
    """Remote names used by more than one file, with those files."""
    groups: dict[str, list[LocalFile]] = defaultdict(list)
    for item in files:
        groups[item.remote_name].append(item)
    return {name: items for name, items in groups.items() if len(items) > 1}


def resolve_duplicates(
    files: list[LocalFile], rename: bool, recorded: dict[str, str] | None = None
) -> list[LocalFile]:
    """Files with unique remote names, or UsageError naming the duplicates.

    With ``rename``, every file of a duplicate group that is in a subfolder is sent as
    ``sub_dir__name``. ``recorded`` maps relative paths to the remote names an earlier run gave
    them (from the ledger): those files keep their name.
    """
    recorded = recorded or {}
    fixed = [_with_name(item, recorded.get(item.relative, item.remote_name)) for item in files]
    groups = duplicate_groups(fixed)
    if not groups:
        return fixed
    if not rename:
        lines = [
            f"  {name}: " + ", ".join(item.relative for item in items)
            for name, items in sorted(groups.items())
        ]
        raise UsageError(
            f"{len(groups)} file name(s) appear in more than one subfolder; a dataset holds one "
            "file per name. Rename them, upload the subfolders into different datasets, or pass "
            "--rename-duplicates to send them as sub_dir__name:\n" + "\n".join(lines)
        )
    out = []
    for item in fixed:
        in_group = item.remote_name in groups and item.relative not in recorded
        out.append(_with_name(item, renamed(item.relative)) if in_group else item)
    still = duplicate_groups(out)
    if still:
        names = ", ".join(sorted(still))
        raise UsageError(f"renaming duplicates still leaves names used twice: {names}")
    return out


def _with_name(item: LocalFile, name: str) -> LocalFile:
    if name == item.remote_name:
        return item
    return LocalFile(item.path, item.relative, item.size, item.mtime_ns, name)
