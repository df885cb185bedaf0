import { type MessageKey, t } from '../../i18n/i18n.js';

/**
 * A labelled number input of a form (the phantom generator's, the planner's): read by the form's submit through
 * its `name`, so it keeps no state. A null value leaves it empty with the "auto" placeholder (a planner override).
 */
export function NumberRow(props: {
  label: MessageKey;
  name: string;
  testId: string;
  value: number | null;
  min: number;
  max: number;
  step: number;
}) {
  return (
    <label class="row">
      <span>{t(props.label)}</span>
      <input
        type="number"
        name={props.name}
        defaultValue={props.value === null ? undefined : String(props.value)}
        min={props.min}
        max={props.max}
        step={props.step}
        placeholder={props.value === null ? t('plan.autoValue') : undefined}
        data-testid={props.testId}
      />
    </label>
  );
}
