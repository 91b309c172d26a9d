import { PageHeader } from '../ui/page';

export default function ActionPage() {
  return <PageHeader title="Action" />;
}
