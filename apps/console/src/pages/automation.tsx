import { PageHeader } from '../ui/page';

export default function AutomationPage() {
  return <PageHeader title="Automation" />;
}
