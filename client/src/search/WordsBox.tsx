import { useId } from 'react';

/**
 * The words box at the top of the Search and Recordings forms: the words (search syntax), the form's submit
 * button and Clear. Test ids are `<testIdPrefix>-q`, the submit's and `<testIdPrefix>-clear`.
 */
export function WordsBox({
  value,
  onChange,
  label,
  placeholder,
  submitLabel,
  submitTestId,
  onClear,
  testIdPrefix,
}: {
  value: string;
  onChange: (words: string) => void;
  /** Read by screen readers (the placeholder shows the syntax). */
  label: string;
  placeholder: string;
  submitLabel: string;
  submitTestId: string;
  onClear: () => void;
  testIdPrefix: string;
}) {
  const inputId = useId();
  return (
    <div className="search-box">
      <label htmlFor={inputId} className="sr-only">
        {label}
      </label>
      <input
        id={inputId}
        className="input search-input"
        type="search"
        value={value}
        maxLength={200}
        onChange={(e) => onChange(e.target.value)}
        placeholder={placeholder}
        spellCheck={false}
        data-testid={`${testIdPrefix}-q`}
      />
      <button type="submit" className="button button-primary" data-testid={submitTestId}>
        {submitLabel}
      </button>
      <button type="button" className="button button-quiet" onClick={onClear} data-testid={`${testIdPrefix}-clear`}>
        Clear
      </button>
    </div>
  );
}
