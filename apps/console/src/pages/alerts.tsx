import { PageHeader } from '../ui/page';

export default function AlertsPage() {
  return <PageHeader title="Alerts" />;
}
