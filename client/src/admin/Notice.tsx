/** The result of the last action on an admin page: what happened, or what went wrong and why. */
export type NoticeState = { kind: 'ok' | 'error'; text: string } | null;

export function Notice({ notice }: { notice: NoticeState }) {
  if (!notice) return null;
  return (
    <p
      className={`notice ${notice.kind === 'ok' ? 'notice-ok' : 'notice-error'}`}
      role={notice.kind === 'ok' ? 'status' : 'alert'}
      data-testid={`notice-${notice.kind}`}
    >
      {notice.text}
    </p>
  );
}
